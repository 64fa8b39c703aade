/** One blind pair: the conversation so far and two replies labelled only A and B. Keys 1–4 vote. */
import { useEffect } from "react";
import type { AbNext, AbVote } from "../../../../shared/domain/eval";
import { voteAb } from "../../state/workbenchActions";

const CHOICES: { key: string; vote: AbVote; label: string }[] = [
  { key: "1", vote: "a", label: "A is better" },
  { key: "2", vote: "b", label: "B is better" },
  { key: "3", vote: "tie", label: "Tie" },
  { key: "4", vote: "bad", label: "Both bad" },
];

export function AbVoting({ next }: Readonly<{ next: Exclude<AbNext, { done: true }> }>) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable))
        return;
      const choice = CHOICES.find((c) => c.key === event.key);
      if (!choice || event.repeat) return;
      event.preventDefault();
      void voteAb(choice.vote);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="workbench-card" data-testid="ab-voting" data-item={next.item}>
      <h2>
        Item {next.item} — {next.prompt.characterName}
      </h2>
      <ol className="ab-history">
        {next.prompt.history.slice(-4).map((turn, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed transcript
          <li key={i} className={`ab-turn ab-turn-${turn.role}`}>
            <strong>{turn.role === "user" ? "You" : next.prompt.characterName}:</strong> {turn.text}
          </li>
        ))}
      </ol>
      <div className="ab-replies">
        {next.replies.map((r) => (
          <div key={r.slot} className="ab-reply" data-testid={`ab-reply-${r.slot}`}>
            <h3>{r.slot.toUpperCase()}</h3>
            <p>{r.text}</p>
          </div>
        ))}
      </div>
      <div className="workbench-actions">
        {CHOICES.map((c) => (
          <button
            key={c.vote}
            type="button"
            className="btn"
            data-testid={`ab-vote-${c.vote}`}
            onClick={() => void voteAb(c.vote)}
          >
            <kbd>{c.key}</kbd> {c.label}
          </button>
        ))}
      </div>
    </div>
  );
}
