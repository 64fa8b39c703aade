import { useId } from "react";
import type { ChatSummary } from "../../../../shared/domain/chat";
import type { ExportChoice, ExportFormat, ExportScope } from "../../state/exportActions";
import { AliasField } from "./AliasField";
import { CharacterPicker, ChatPicker } from "./ChatPicker";

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: "pippa", label: "PIPPA JSONL (one line per chat)" },
  { format: "metharme-turn", label: "Metharme JSONL, one record per reply" },
  { format: "metharme-chat", label: "Metharme JSONL, one record per chat" },
  { format: "sillytavern", label: "SillyTavern chat file (one chat, not redacted)" },
];

const SCOPES: { scope: ExportScope; label: string }[] = [
  { scope: "all", label: "All chats" },
  { scope: "characters", label: "Chats of chosen characters" },
  { scope: "chats", label: "Chosen chats" },
];

interface ChooseStepProps {
  chats: readonly ChatSummary[];
  userName: string;
  choice: ExportChoice;
  onChange: (patch: Partial<ExportChoice>) => void;
  aliasDraft: string;
  onAliasDraft: (text: string) => void;
  /** Why the choice cannot be reviewed yet ("" when it can). */
  problem: string;
  busy: boolean;
  onNext: () => void;
  onCancel: () => void;
}

/** Step 1: what to export, in which format, and the extra names to redact. */
export function ChooseStep({
  chats,
  userName,
  choice,
  onChange,
  aliasDraft,
  onAliasDraft,
  problem,
  busy,
  onNext,
  onCancel,
}: Readonly<ChooseStepProps>) {
  const formatId = useId();
  const problemId = useId();
  const raw = choice.format === "sillytavern";
  const characters = new Set(chats.map((c) => c.characterId)).size;

  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy && problem === "") onNext();
      }}
    >
      <fieldset className="export-scopes">
        <legend className="field-label">What to export</legend>
        {SCOPES.map(({ scope, label }) => (
          <label key={scope} className="export-check">
            <input
              type="radio"
              className="export-box"
              name="export-scope"
              value={scope}
              data-testid={`export-scope-${scope}`}
              checked={choice.scope === scope}
              onChange={() => onChange({ scope })}
            />
            <span className="export-check-text">{label}</span>
            {scope === "all" ? (
              <span className="muted export-check-meta">
                {chats.length} chats of {characters} characters
              </span>
            ) : null}
          </label>
        ))}
      </fieldset>
      {choice.scope === "chats" ? (
        <ChatPicker chats={chats} selected={choice.chatIds} onChange={(chatIds) => onChange({ chatIds })} />
      ) : null}
      {choice.scope === "characters" ? (
        <CharacterPicker
          chats={chats}
          selected={choice.characterIds}
          onChange={(characterIds) => onChange({ characterIds })}
        />
      ) : null}
      {choice.scope === "all" ? (
        <p className="field-hint">
          Chats without any message of yours are left out and listed in the review.
        </p>
      ) : null}
      <div className="field">
        <label className="field-label" htmlFor={formatId}>
          Format
        </label>
        <select
          id={formatId}
          value={choice.format}
          data-testid="export-format"
          onChange={(e) => onChange({ format: e.currentTarget.value as ExportFormat })}
        >
          {FORMATS.map(({ format, label }) => (
            <option key={format} value={format}>
              {label}
            </option>
          ))}
        </select>
        {raw ? (
          <p className="export-note" data-testid="export-raw-note">
            A SillyTavern chat file moves one chat to SillyTavern as it is: nothing is redacted, so your names
            and everything you wrote stay in it. Do not share it; export PIPPA or Metharme to share.
          </p>
        ) : null}
      </div>
      {raw ? null : (
        <AliasField
          userName={userName}
          aliases={choice.aliases}
          draft={aliasDraft}
          onDraft={onAliasDraft}
          onChange={(aliases) => onChange({ aliases })}
        />
      )}
      <div className="form-actions">
        {problem ? (
          <span className="field-hint export-problem" id={problemId} data-testid="export-choice-problem">
            {problem}
          </span>
        ) : null}
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          data-testid={raw ? "export-run" : "export-review"}
          aria-describedby={problem ? problemId : undefined}
          disabled={busy || problem !== ""}
        >
          {busy ? (raw ? "Exporting…" : "Scanning…") : raw ? "Export" : "Review redactions"}
        </button>
      </div>
    </form>
  );
}
