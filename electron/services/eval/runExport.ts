/** A stored run as a file: JSON (everything), CSV (one row per session or A/B item), Markdown (a model-card summary). */
import {
  type AbReport,
  type EvalRunDetail,
  modelLabel,
  type PerplexityResult,
} from "../../../shared/domain/eval";
import type { ExportedFile } from "../../../shared/domain/library";
import { MasqueError } from "../../../shared/errors";

export type RunExportFormat = "json" | "csv" | "markdown";

export function exportRun(detail: EvalRunDetail, ab: AbReport | null, format: RunExportFormat): ExportedFile {
  const base = `masque-run-${detail.id}`;
  if (format === "json") {
    return file(
      `${base}.json`,
      "application/json",
      `${JSON.stringify({ run: detail, abReport: ab }, null, 2)}\n`,
    );
  }
  if (format === "csv") return file(`${base}.csv`, "text/csv", csv(detail, ab));
  return file(`${base}.md`, "text/markdown", markdown(detail, ab));
}

function file(fileName: string, mimeType: string, text: string): ExportedFile {
  return { fileName, mimeType, dataBase64: Buffer.from(text, "utf8").toString("base64") };
}

function csv(detail: EvalRunDetail, ab: AbReport | null): string {
  if (detail.kind === "ab" && ab) {
    const rows = [
      ["item", "slot_a", "slot_b", "vote", "tokens_a", "tokens_b", "character_id", "session_id", "chat_id"],
    ];
    for (const i of ab.items)
      rows.push(
        [
          i.item,
          i.slots.a,
          i.slots.b,
          i.vote ?? "",
          i.replyTokens.a,
          i.replyTokens.b,
          i.source.characterId,
          i.source.sessionId ?? "",
          i.source.chatId ?? "",
        ].map(String),
      );
    return toCsv(rows);
  }
  const result = requirePerplexity(detail);
  const rows = [
    ["session", "character_id", "tokens_scored", "bytes_scored", "nll_sum", "mean_nll", "perplexity"],
  ];
  for (const s of result.perSession)
    rows.push(
      [s.key, s.characterId ?? "", s.tokensScored, s.bytesScored, s.nllSum, s.nll, s.perplexity].map(String),
    );
  return toCsv(rows);
}

function markdown(detail: EvalRunDetail, ab: AbReport | null): string {
  if (detail.kind === "ab" && ab) {
    const lines = [
      `## Blind A/B (run ${detail.id})`,
      "",
      `${ab.items.filter((i) => i.vote).length} of ${ab.items.length} comparisons voted.`,
      "",
      "| contestant | wins | losses | ties | win rate (95% Wilson) | rating (95% CI) | mean reply tokens |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...ab.contestants.map(
        (c) =>
          `| ${c.label} | ${c.wins} | ${c.losses} | ${c.ties} | ${pct(c.winRate)} (${pct(c.wilson[0])}–${pct(c.wilson[1])}) | ${c.rating.toFixed(0)} (${c.ratingInterval[0].toFixed(0)}–${c.ratingInterval[1].toFixed(0)}) | ${c.meanReplyTokens.toFixed(1)} |`,
      ),
    ];
    return `${lines.join("\n")}\n`;
  }
  const r = requirePerplexity(detail);
  const interval = r.interval ? ` (95% CI ${r.interval[0].toFixed(3)}–${r.interval[1].toFixed(3)})` : "";
  const lines = [
    `## In-character perplexity: ${modelLabel(r.model)}`,
    "",
    `- Model SHA-256: \`${r.model.sha256}\``,
    ...(r.model.lora ?? []).map(
      (a) => `- LoRA adapter ${a.fileName} at scale ${a.scale}, SHA-256: \`${a.sha256}\``,
    ),
    `- Template: ${r.templateId}; context: ${r.contextSize} tokens`,
    `- Scored: ${r.tokensScored} tokens (${r.bytesScored} UTF-8 bytes) in ${r.perSession.length} sessions`,
    `- Perplexity: **${r.perplexity.toFixed(3)}**${interval}; mean NLL ${r.nll.toFixed(4)} nats/token; ${r.bitsPerByte === null ? "" : `${r.bitsPerByte.toFixed(4)} bits/byte`}`,
    "",
  ];
  if (r.perCharacter.length > 0) {
    lines.push("| character | sessions | tokens | perplexity |", "| --- | --- | --- | --- |");
    for (const c of r.perCharacter)
      lines.push(`| ${c.characterName} | ${c.sessions} | ${c.tokensScored} | ${c.perplexity.toFixed(3)} |`);
  }
  return `${lines.join("\n")}\n`;
}

function requirePerplexity(detail: EvalRunDetail): PerplexityResult {
  if (!detail.perplexity)
    throw new MasqueError(
      "INVALID_INPUT",
      `run ${detail.id} has no results to export (status ${detail.status})`,
    );
  return detail.perplexity;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function toCsv(rows: string[][]): string {
  return `${rows.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(",")).join("\n")}\n`;
}
