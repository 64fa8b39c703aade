/** The A/B report with the labels revealed; every item links to the session or chat it came from. */
import type { AbReport } from "../../../../shared/domain/eval";
import { exportRun } from "../../state/workbenchActions";
import { SourceLink } from "./SourceLink";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function AbReportView({ report }: Readonly<{ report: AbReport }>) {
  const labels = new Map(report.contestants.map((c) => [c.id, c.label]));
  return (
    <div className="workbench-card" data-testid="ab-report">
      <h2>A/B run #{report.runId}: results</h2>
      <table className="workbench-table">
        <thead>
          <tr>
            <th>Contestant</th>
            <th>Wins</th>
            <th>Losses</th>
            <th>Ties (both bad)</th>
            <th>Win rate (95% Wilson)</th>
            <th>Rating (95% CI)</th>
            <th>Mean reply tokens</th>
          </tr>
        </thead>
        <tbody>
          {report.contestants.map((c) => (
            <tr key={c.id} data-testid="ab-report-row">
              <td>{c.label}</td>
              <td>{c.wins}</td>
              <td>{c.losses}</td>
              <td>
                {c.ties} ({c.bothBad})
              </td>
              <td>
                {pct(c.winRate)} ({pct(c.wilson[0])}–{pct(c.wilson[1])})
              </td>
              <td>
                {c.rating.toFixed(0)} ({c.ratingInterval[0].toFixed(0)}–{c.ratingInterval[1].toFixed(0)})
              </td>
              <td>{c.meanReplyTokens.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="workbench-actions">
        {(["json", "csv", "markdown"] as const).map((f) => (
          <button
            key={f}
            type="button"
            className="btn btn-small"
            onClick={() => void exportRun(report.runId, f)}
          >
            Export {f === "markdown" ? "Markdown" : f.toUpperCase()}
          </button>
        ))}
      </div>
      <details>
        <summary>Items</summary>
        <table className="workbench-table">
          <tbody>
            {report.items.map((i) => (
              <tr key={i.item}>
                <td>
                  <SourceLink
                    sessionId={i.source.sessionId}
                    chatId={i.source.chatId}
                    characterName=""
                    label={`Item ${i.item}`}
                  />
                </td>
                <td>
                  A: {labels.get(i.slots.a)} ({i.replyTokens.a} tokens)
                </td>
                <td>
                  B: {labels.get(i.slots.b)} ({i.replyTokens.b} tokens)
                </td>
                <td>{i.vote ?? "not voted"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
