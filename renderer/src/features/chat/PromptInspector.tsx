import { useCallback, useEffect, useState } from "react";
import type { PromptReport } from "../../../../shared/api/contract";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { fetchPromptReport } from "../../state/messageActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { PromptLoreSection } from "../lore/PromptLoreSection";
import { Icon } from "./icons";
import { blockLabel, cacheLine, kindLabel, kindTotals, promptSegments } from "./promptBar";
import "./promptInspector.css";

const n = (value: number) => value.toLocaleString();

function PromptBar({ report }: Readonly<{ report: PromptReport }>) {
  const segments = promptSegments(report);
  const label = `${n(report.promptTokens)} prompt tokens and ${n(report.maxReplyTokens)} kept for the reply, of a ${n(report.contextSize)}-token context`;
  return (
    <div className="prompt-bar" role="img" aria-label={label} data-testid="prompt-bar">
      {segments.map((s, i) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
          key={i}
          className={`prompt-seg seg-${s.kind}`}
          style={{ flexBasis: `${s.percent}%` }}
          title={`${kindLabel(s.kind)}: ${n(s.tokens)} tokens${s.blocks > 1 ? ` in ${s.blocks} blocks` : ""}`}
        />
      ))}
    </div>
  );
}

function ReportBody({ report }: Readonly<{ report: PromptReport }>) {
  return (
    <>
      <p className="prompt-summary" data-testid="prompt-summary">
        <strong>{report.templateLabel}</strong> · {n(report.promptTokens)} prompt tokens of a budget of{" "}
        {n(report.budget)} · context {n(report.contextSize)}, {n(report.maxReplyTokens)} kept for the reply
      </p>
      {report.backend ? (
        <p className="muted" data-testid="prompt-backend">
          Backend {report.backend.name} ({report.backend.kind}
          {report.backend.model ? `, ${report.backend.model}` : ""}) ·{" "}
          {report.backend.tokenCounts === "estimate"
            ? "token counts are ESTIMATES (the server has no tokenizer)"
            : report.backend.tokenCounts === "local-tokenizer"
              ? "token counts from the local tokenizer model"
              : "token counts from the server's tokenizer"}
          {report.backend.ignoredSamplers.length
            ? ` · ignored by this server: ${report.backend.ignoredSamplers.join(", ")}`
            : ""}
        </p>
      ) : null}
      <PromptBar report={report} />
      <ul className="prompt-legend">
        {kindTotals(report.blocks).map((t) => (
          <li key={t.kind}>
            <span className={`prompt-swatch seg-${t.kind}`} aria-hidden="true" />
            {kindLabel(t.kind)} <span className="muted">{n(t.tokens)}</span>
          </li>
        ))}
        <li>
          <span className="prompt-swatch seg-reply" aria-hidden="true" />
          {kindLabel("reply")} <span className="muted">{n(report.maxReplyTokens)}</span>
        </li>
      </ul>
      <p className="prompt-cache" data-testid="prompt-cache">
        {cacheLine(report.lastReply)}
      </p>
      {report.lora.length > 0 ? (
        <p className="prompt-lora" data-testid="prompt-lora">
          LoRA:{" "}
          {report.lora
            .map((a) => `${a.fileName} at scale ${a.scale} (sha256 ${a.sha256.slice(0, 12)}…)`)
            .join(", ")}
        </p>
      ) : null}
      <h3 className="facts-heading">Blocks ({report.blocks.length})</h3>
      <ol className="prompt-blocks">
        {report.blocks.map((block, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks are positional; message ids repeat across none
          <li key={i} className="prompt-block" data-testid="prompt-block" data-kind={block.kind}>
            <details>
              <summary>
                <span className={`prompt-swatch seg-${block.kind}`} aria-hidden="true" />
                <span className="prompt-block-kind">{blockLabel(block.kind)}</span>
                {block.messageId !== null ? <span className="muted">message #{block.messageId}</span> : null}
                <span className="prompt-block-tokens" data-testid="prompt-block-tokens">
                  {n(block.tokens)} tokens
                </span>
              </summary>
              <pre className="prompt-block-text">{block.text}</pre>
            </details>
          </li>
        ))}
      </ol>
      <section data-testid="prompt-dropped" aria-labelledby="prompt-dropped-heading">
        <h3 id="prompt-dropped-heading" className="facts-heading">
          Dropped ({report.dropped.length})
        </h3>
        {report.dropped.length === 0 ? (
          <p className="muted">Nothing was dropped: everything fits in the context.</p>
        ) : (
          <ul className="prompt-dropped-list">
            {report.dropped.map((d, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: dropped items are positional
              <li key={i} data-testid="prompt-dropped-item" data-kind={d.kind}>
                {d.kind === "message" ? `Message #${d.messageId ?? "?"}` : "Example dialogue"} ({n(d.tokens)}{" "}
                tokens): {d.reason}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section data-testid="prompt-lore-section" aria-labelledby="prompt-lore-heading">
        <h3 id="prompt-lore-heading" className="facts-heading">
          Lore, note and persona
        </h3>
        <PromptLoreSection lore={report.lore} />
      </section>
    </>
  );
}

/** What the model gets for the chat's next (or last) reply, block by block, and how the cache did. */
export function PromptInspector({ chatId, onClose }: Readonly<{ chatId: number; onClose: () => void }>) {
  const [report, setReport] = useState<PromptReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setReport(await fetchPromptReport(chatId));
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setLoading(false);
    }
  }, [chatId]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Dialog
      title="Prompt inspector"
      onClose={onClose}
      variant="wide"
      testId="prompt-inspector"
      closeTestId="prompt-inspector-close"
    >
      <div className="prompt-toolbar">
        <span className="muted" role="status">
          {loading ? "Measuring the prompt…" : ""}
        </span>
        <button
          type="button"
          className="btn btn-small"
          data-testid="prompt-refresh"
          disabled={loading}
          onClick={() => void load()}
        >
          Refresh
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {report ? <ReportBody report={report} /> : null}
    </Dialog>
  );
}

/** The header button that opens the inspector for the open chat. */
export function PromptInspectorButton({ chatId }: Readonly<{ chatId: number }>) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        data-testid="prompt-inspector-open"
        aria-label="Prompt inspector"
        title="Prompt inspector: what the model gets"
        onClick={() => setOpen(true)}
      >
        <Icon name="inspect" size={18} />
      </button>
      {open ? <PromptInspector chatId={chatId} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
