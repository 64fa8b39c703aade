import type { FitEstimate } from "../../../../shared/domain/modelLibrary";
import { formatBytes, formatContext } from "./format";

const LABELS = { fits: "Fits", tight: "Tight", doesNotFit: "Doesn't fit" } as const;

/** Whether a model fits this machine, with the numbers behind it in the tooltip. */
export function FitBadge({ fit }: Readonly<{ fit: FitEstimate | null }>) {
  if (!fit) return null;
  const memory = `${formatBytes(fit.ramBytes)} RAM${fit.vramBytes > 0 ? `, ${formatBytes(fit.vramBytes)} VRAM` : ""}`;
  const title =
    `${memory} with a ${formatContext(fit.contextSize)}-token context` +
    (fit.maxContextSize > 0
      ? `; up to ${formatContext(fit.maxContextSize)} tokens fit`
      : "; no context fits");
  return (
    <span
      className={`fit-badge fit-${fit.verdict}`}
      data-testid="fit-badge"
      data-verdict={fit.verdict}
      title={title}
    >
      {LABELS[fit.verdict]}
      {fit.fits ? <span className="fit-context"> · {formatContext(fit.maxContextSize)} ctx</span> : null}
    </span>
  );
}
