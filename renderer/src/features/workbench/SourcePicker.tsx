/** What an evaluation reads: characters' PIPPA sessions, the user's own chats, or (perplexity only) a text file. */
import { useEffect, useState } from "react";
import type { ChatSummary } from "../../../../shared/domain/chat";
import { api } from "../../bridge";
import { ChatPicker } from "../export/ChatPicker";
import { CharacterPicker } from "./CharacterPicker";

export type EvalSource =
  | { kind: "characters"; characterIds: number[] }
  | { kind: "chats"; chatIds: number[] }
  | { kind: "text"; textFile: string };

export const EMPTY_SOURCE: EvalSource = { kind: "characters", characterIds: [] };

export function sourceReady(source: EvalSource): boolean {
  if (source.kind === "characters") return source.characterIds.length > 0;
  if (source.kind === "chats") return source.chatIds.length > 0;
  return source.textFile.trim() !== "";
}

/** The request fields for a source. */
export function sourceInput(source: EvalSource) {
  if (source.kind === "characters") return { characterIds: source.characterIds };
  if (source.kind === "chats") return { chatIds: source.chatIds };
  return { textFile: source.textFile.trim() };
}

const KIND_LABELS: Record<EvalSource["kind"], string> = {
  characters: "PIPPA sessions",
  chats: "My chats",
  text: "Text file",
};

export function SourcePicker({
  value,
  onChange,
  kinds = ["characters", "chats"],
}: Readonly<{ value: EvalSource; onChange: (source: EvalSource) => void; kinds?: EvalSource["kind"][] }>) {
  const [chats, setChats] = useState<ChatSummary[] | null>(null);
  useEffect(() => {
    if (value.kind !== "chats" || chats) return;
    let live = true;
    void api.call("chats.list", {}).then((list) => {
      if (live) setChats(list);
    });
    return () => {
      live = false;
    };
  }, [value.kind, chats]);

  return (
    <div className="workbench-source" data-testid="eval-source">
      {kinds.length > 1 ? (
        <div className="workbench-source-kinds" role="radiogroup" aria-label="What to evaluate on">
          {kinds.map((kind) => (
            <label key={kind} className="workbench-check">
              <input
                type="radio"
                name="eval-source"
                checked={value.kind === kind}
                data-testid={`eval-source-${kind}`}
                onChange={() =>
                  onChange(
                    kind === "characters"
                      ? { kind, characterIds: [] }
                      : kind === "chats"
                        ? { kind, chatIds: [] }
                        : { kind, textFile: "" },
                  )
                }
              />
              {KIND_LABELS[kind]}
            </label>
          ))}
        </div>
      ) : null}
      {value.kind === "characters" ? (
        <CharacterPicker
          selected={value.characterIds}
          onChange={(characterIds) => onChange({ kind: "characters", characterIds })}
        />
      ) : null}
      {value.kind === "chats" ? (
        chats ? (
          <ChatPicker
            chats={chats}
            selected={value.chatIds}
            onChange={(chatIds) => onChange({ kind: "chats", chatIds })}
          />
        ) : (
          <p className="loading-hint">Loading chats…</p>
        )
      ) : null}
      {value.kind === "text" ? (
        <label className="field grow">
          <span className="field-label">Text file (a path on this computer)</span>
          <input
            value={value.textFile}
            onChange={(e) => onChange({ kind: "text", textFile: e.target.value })}
            data-testid="eval-text-file"
          />
        </label>
      ) : null}
    </div>
  );
}
