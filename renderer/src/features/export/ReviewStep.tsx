import type { ExportPreview } from "../../../../shared/api/contract";
import { FlagList } from "./FlagList";
import { ReplacementList } from "./ReplacementList";
import type { Lookup } from "./reviewModel";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface ReviewStepProps {
  preview: ExportPreview;
  lookup: Lookup;
  formatLabel: string;
  rejected: ReadonlySet<string>;
  onChoose: (id: string, accept: boolean) => void;
  onAll: (accept: boolean) => void;
  busy: boolean;
  onBack: () => void;
  onExport: () => void;
}

function Skipped({ ids, lookup }: Readonly<{ ids: readonly number[]; lookup: Lookup }>) {
  if (ids.length === 0) return null;
  const shown = ids.slice(0, 20);
  return (
    <p className="export-note" data-testid="export-skipped" data-count={ids.length}>
      Left out, {plural(ids.length, "chat")} without any message of yours (nothing of yours to contribute):{" "}
      {shown.map((id) => lookup.chats.get(id)?.title || `chat ${id}`).join(", ")}
      {ids.length > shown.length ? ` and ${ids.length - shown.length} more` : ""}.
    </p>
  );
}

/** Step 2: the counts, the names replaced (always), and a Redact / Keep choice for each flagged span. */
export function ReviewStep({
  preview,
  lookup,
  formatLabel,
  rejected,
  onChoose,
  onAll,
  busy,
  onBack,
  onExport,
}: Readonly<ReviewStepProps>) {
  return (
    <div className="form export-review">
      <p
        className="export-summary"
        data-testid="export-summary"
        data-chats={preview.chats}
        data-messages={preview.messages}
        data-skipped={preview.skippedChats.length}
      >
        <strong>{plural(preview.chats, "chat")}</strong>,{" "}
        <strong>{plural(preview.messages, "message")}</strong> as {formatLabel}.
      </p>
      <Skipped ids={preview.skippedChats} lookup={lookup} />
      {preview.warnings.length > 0 ? (
        <ul className="export-warnings" data-testid="export-warnings">
          {preview.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}

      <section className="export-section" aria-labelledby="export-names-heading">
        <h3 id="export-names-heading">
          Names replaced by {"{{user}}"}{" "}
          <span className="muted">· {plural(preview.replacements.length, "place")}</span>
        </h3>
        <p className="field-hint">
          Names are always replaced; there is no way to keep them. Add names on the previous step.
        </p>
        <ul className="export-names" data-testid="export-names" aria-label="Names replaced">
          {preview.names.map((name) => (
            <li key={name} className="export-chip" data-testid="export-name">
              {name}
            </li>
          ))}
        </ul>
        <ReplacementList replacements={preview.replacements} lookup={lookup} />
      </section>

      <section className="export-section" aria-labelledby="export-flags-heading">
        <h3 id="export-flags-heading">
          Possible personal data <span className="muted">· {plural(preview.flagged.length, "span")}</span>
        </h3>
        <p className="field-hint">
          Redact replaces the span by its placeholder; Keep writes it as it is. Check each one: the scan can
          be wrong both ways.
        </p>
        <FlagList
          flagged={preview.flagged}
          rejected={rejected}
          lookup={lookup}
          onChoose={onChoose}
          onAll={onAll}
        />
      </section>

      <div className="form-actions export-actions">
        <button type="button" className="btn" data-testid="export-back" onClick={onBack}>
          Back
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="export-run"
          disabled={busy}
          onClick={onExport}
        >
          {busy ? "Exporting…" : "Export"}
        </button>
      </div>
    </div>
  );
}
