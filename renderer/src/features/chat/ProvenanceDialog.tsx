import type { GenerationProvenance, Message } from "../../../../shared/domain/chat";
import { Dialog } from "../../ui/Dialog";
import { formatBytes } from "../../ui/formatBytes";

const STOP_REASONS: Record<string, string> = {
  eos: "the model ended it",
  "stop-string": "a stop string",
  "max-tokens": "the max reply tokens setting",
  aborted: "stopped by you",
  error: "an error (the partial text was kept)",
};

const when = (timestamp: number) => new Date(timestamp).toLocaleString();

function Row({ label, value, testId }: Readonly<{ label: string; value: string; testId?: string }>) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </>
  );
}

/** A remote server's model has no file, size, hash or thread count on this machine. */
function isRemote(p: GenerationProvenance | null): boolean {
  return p?.backend !== undefined && p.backend !== "local";
}

/** Where the reply was generated: the backend and its model (and what the server ignored). */
function ModelRows({ provenance: p }: Readonly<{ provenance: GenerationProvenance }>) {
  const remote = isRemote(p);
  return (
    <>
      <Row label="Backend" value={p.backend ?? "local"} testId="provenance-backend" />
      <Row label={remote ? "Model" : "Model file"} value={p.modelFile} testId="provenance-model" />
      {p.ignoredSamplers?.length ? (
        <Row label="Ignored by the server" value={p.ignoredSamplers.join(", ")} testId="provenance-ignored" />
      ) : null}
      {remote ? null : (
        <>
          <Row label="Model size" value={formatBytes(p.modelSize)} />
          <Row label="Model hash" value={p.modelHash || "—"} />
        </>
      )}
    </>
  );
}

/** How a reply (swipe) was produced: model, template, sampler values, seed and timings. */
export function ProvenanceDialog({ message, onClose }: Readonly<{ message: Message; onClose: () => void }>) {
  const { provenance: p, stats } = message;
  const remote = isRemote(p);
  return (
    <Dialog
      title="How this reply was generated"
      onClose={onClose}
      testId="provenance-dialog"
      closeTestId="provenance-close"
    >
      {p === null && stats === null ? (
        <p className="muted">
          This message was not generated in Masque (a greeting, or imported text), so there is nothing to
          show.
        </p>
      ) : null}
      <dl className="facts">
        <Row label="Written" value={when(message.createdAt)} />
        {message.editedAt !== null ? <Row label="Edited" value={when(message.editedAt)} /> : null}
        {message.stopReason ? (
          <Row
            label="Ended by"
            value={STOP_REASONS[message.stopReason] ?? message.stopReason}
            testId="provenance-stop-reason"
          />
        ) : null}
        {p ? (
          <>
            <ModelRows provenance={p} />
            <Row label="Template" value={p.template} />
            {remote ? null : <Row label="Threads" value={String(p.threads)} />}
            <Row label="Context size" value={`${p.contextSize.toLocaleString()} tokens`} />
            <Row label="Seed" value={p.seed === null ? "random" : String(p.seed)} />
            <Row label="Dropped messages" value={String(p.droppedMessages)} />
            {p.reusedTokens !== undefined ? (
              <Row label="Tokens reused from cache" value={p.reusedTokens.toLocaleString()} />
            ) : null}
            {(p.lora ?? []).map((a, i) => (
              <Row
                // biome-ignore lint/suspicious/noArrayIndexKey: adapters are applied in order; one file may repeat
                key={i}
                label={`LoRA adapter ${i + 1}`}
                value={`${a.fileName} at scale ${a.scale} (sha256 ${a.sha256})`}
                testId="provenance-lora"
              />
            ))}
          </>
        ) : null}
        {stats ? (
          <>
            <Row label="Prompt tokens" value={stats.promptTokens.toLocaleString()} />
            <Row label="Evaluated tokens" value={stats.evaluatedTokens.toLocaleString()} />
            {stats.restoredTokens ? (
              <Row label="Restored from disk" value={stats.restoredTokens.toLocaleString()} />
            ) : null}
            <Row label="Generated tokens" value={stats.generatedTokens.toLocaleString()} />
            <Row label="First token after" value={`${Math.round(stats.ttftMs)} ms`} />
            <Row label="Speed" value={`${stats.tokensPerSecond.toFixed(1)} tokens/s`} />
          </>
        ) : null}
      </dl>
      {p ? (
        <>
          <h3 className="facts-heading">Sampler</h3>
          <dl className="facts" data-testid="provenance-sampler">
            {Object.entries(p.sampler).map(([key, value]) => (
              <Row key={key} label={key} value={String(value)} />
            ))}
          </dl>
        </>
      ) : null}
    </Dialog>
  );
}
