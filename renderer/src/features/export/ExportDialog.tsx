import { useEffect, useMemo, useRef, useState } from "react";
import type { ExportPreview } from "../../../../shared/api/contract";
import type { ChatSummary } from "../../../../shared/domain/chat";
import { type ApiError, toApiError } from "../../../../shared/errors";
import {
  choiceProblem,
  type ExportChoice,
  type ExportFormat,
  type ExportResult,
  loadExportChoices,
  previewExport,
  runExport,
} from "../../state/exportActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { parseAliases } from "./AliasField";
import { ChooseStep } from "./ChooseStep";
import { ResultStep } from "./ResultStep";
import { ReviewStep } from "./ReviewStep";
import { makeLookup } from "./reviewModel";
import "./export.css";

type Step = "choose" | "review" | "done";

const STEPS: { step: Step; label: string }[] = [
  { step: "choose", label: "Choose" },
  { step: "review", label: "Review redactions" },
  { step: "done", label: "Export" },
];

const FORMAT_LABEL: Record<ExportFormat, string> = {
  pippa: "PIPPA JSONL",
  "metharme-turn": "Metharme JSONL (one record per reply)",
  "metharme-chat": "Metharme JSONL (one record per chat)",
  sillytavern: "a SillyTavern chat file",
};

export const DEFAULT_CHOICE: ExportChoice = {
  scope: "all",
  characterIds: [],
  chatIds: [],
  format: "pippa",
  aliases: [],
};

/**
 * "Export chats": choose chats and a format, review every name replacement and flagged span in
 * context (accepting or rejecting each span), export, then download the file. Choices survive
 * errors and going back; they last as long as the dialog is open.
 */
export function ExportDialog({
  initial,
  onClose,
}: Readonly<{ initial?: Partial<ExportChoice>; onClose: () => void }>) {
  const [step, setStep] = useState<Step>("choose");
  const [choice, setChoice] = useState<ExportChoice>({ ...DEFAULT_CHOICE, ...initial });
  const [aliasDraft, setAliasDraft] = useState("");
  const [source, setSource] = useState<{ chats: ChatSummary[]; userName: string } | null>(null);
  const [preview, setPreview] = useState<ExportPreview | null>(null);
  const [rejected, setRejected] = useState<ReadonlySet<string>>(new Set());
  const [result, setResult] = useState<ExportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const stepRef = useRef<HTMLDivElement>(null);
  const lookup = useMemo(() => makeLookup(source?.chats ?? []), [source]);

  async function load() {
    setError(null);
    try {
      setSource(await loadExportChoices());
    } catch (caught) {
      setError(toApiError(caught));
    }
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once when the dialog opens
  useEffect(() => {
    void load();
  }, []);

  // A new step's content replaces the old one: move the focus there so keyboard users follow.
  useEffect(() => {
    if (step !== "choose") stepRef.current?.focus();
  }, [step]);

  async function attempt(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  /** The choice with any alias still typed in the box added (and the box emptied). */
  function committed(): ExportChoice {
    const added = parseAliases(aliasDraft, [source?.userName ?? "", ...choice.aliases]);
    if (aliasDraft !== "") setAliasDraft("");
    if (added.length === 0) return choice;
    const next = { ...choice, aliases: [...choice.aliases, ...added].slice(0, 100) };
    setChoice(next);
    return next;
  }

  function next() {
    const current = committed();
    void attempt(async () => {
      if (current.format === "sillytavern") {
        setPreview(null);
        setResult(await runExport(current, [], 0));
        setStep("done");
        return;
      }
      setPreview(await previewExport(current));
      setStep("review");
    });
  }

  function exportNow() {
    if (!preview) return;
    const accepted = preview.flagged.filter((f) => !rejected.has(f.id)).map((f) => f.id);
    void attempt(async () => {
      setResult(await runExport(choice, accepted, preview.flagged.length));
      setStep("done");
    });
  }

  function choose(id: string, accept: boolean) {
    setRejected((old) => {
      const copy = new Set(old);
      if (accept) copy.delete(id);
      else copy.add(id);
      return copy;
    });
  }

  function chooseAll(accept: boolean) {
    setRejected(accept ? new Set() : new Set(preview?.flagged.map((f) => f.id) ?? []));
  }

  const index = STEPS.findIndex((s) => s.step === step);

  return (
    <Dialog
      title="Export chats"
      onClose={onClose}
      variant="wide"
      testId="export-dialog"
      closeTestId="export-close"
    >
      <ol className="export-steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li
            key={s.step}
            className={i < index ? "is-done" : i === index ? "is-current" : ""}
            aria-current={i === index ? "step" : undefined}
          >
            {i + 1}. {s.label}
          </li>
        ))}
      </ol>
      {error ? (
        <div className="export-error" data-testid="export-error" data-code={error.code}>
          <ErrorBanner error={error} onDismiss={() => setError(null)} />
          {source === null ? (
            <button type="button" className="btn btn-small" onClick={() => void load()}>
              Try again
            </button>
          ) : null}
        </div>
      ) : null}
      <div ref={stepRef} tabIndex={-1} className="export-step" data-step={step}>
        {source === null ? (
          error ? null : (
            <p className="loading-hint">Loading chats…</p>
          )
        ) : step === "choose" ? (
          source.chats.length === 0 ? (
            <p className="empty-hint center" data-testid="export-no-chats">
              There are no chats yet. Start a chat with a character, or import a SillyTavern chat file.
            </p>
          ) : (
            <ChooseStep
              chats={source.chats}
              userName={source.userName}
              choice={choice}
              onChange={(patch) => setChoice((c) => ({ ...c, ...patch }))}
              aliasDraft={aliasDraft}
              onAliasDraft={setAliasDraft}
              problem={choiceProblem(choice)}
              busy={busy}
              onNext={next}
              onCancel={onClose}
            />
          )
        ) : step === "review" && preview ? (
          <ReviewStep
            preview={preview}
            lookup={lookup}
            formatLabel={FORMAT_LABEL[choice.format]}
            rejected={rejected}
            onChoose={choose}
            onAll={chooseAll}
            busy={busy}
            onBack={() => {
              setError(null);
              setStep("choose");
            }}
            onExport={exportNow}
          />
        ) : result ? (
          <ResultStep
            result={result}
            onAgain={() => {
              setError(null);
              setResult(null);
              setStep("choose");
            }}
            onClose={onClose}
          />
        ) : null}
      </div>
    </Dialog>
  );
}
