/** One perplexity run: headline figures, a per-character chart, and every session behind them. */
import { useMemo, useState } from "react";
import { type EvalRunDetail, modelLabel } from "../../../../shared/domain/eval";
import { exportRun } from "../../state/workbenchActions";
import { type ChartOption, EChart } from "./EChart";
import { SourceLink } from "./SourceLink";

export function RunDetail({ run }: Readonly<{ run: EvalRunDetail }>) {
  const [character, setCharacter] = useState<number | null>(null);
  const result = run.perplexity;
  const option = useMemo<ChartOption | null>(() => {
    if (!result || result.perCharacter.length === 0) return null;
    return {
      animation: false,
      tooltip: {},
      grid: { left: 48, right: 16, top: 24, bottom: 40 },
      xAxis: { type: "category", data: result.perCharacter.map((c) => c.characterName) },
      yAxis: { type: "value", name: "perplexity" },
      series: [{ type: "bar", data: result.perCharacter.map((c) => Number(c.perplexity.toFixed(4))) }],
    };
  }, [result]);
  if (!result) {
    return (
      <div className="workbench-card" data-testid="eval-run-detail">
        Run #{run.id} is {run.status}
        {run.error ? `: ${run.error}` : ""}.
      </div>
    );
  }
  const names = new Map(result.perCharacter.map((c) => [c.characterId, c.characterName]));
  const sessions = result.perSession.filter((s) => character === null || s.characterId === character);
  return (
    <div className="workbench-card" data-testid="eval-run-detail">
      <h2>
        Run #{run.id}: {modelLabel(result.model)}
      </h2>
      <p data-testid="eval-figures">
        Perplexity <strong>{result.perplexity.toFixed(3)}</strong>
        {result.interval ? ` (95% CI ${result.interval[0].toFixed(3)}–${result.interval[1].toFixed(3)})` : ""}{" "}
        · {result.nll.toFixed(4)} nats/token · {result.bitsPerByte?.toFixed(4) ?? "?"} bits/byte ·{" "}
        {result.tokensScored.toLocaleString()} tokens in {result.perSession.length} sessions · template{" "}
        {result.templateId}, context {result.contextSize}
      </p>
      <p className="field-hint">SHA-256 {result.model.sha256}</p>
      <div className="workbench-actions">
        {(["json", "csv", "markdown"] as const).map((f) => (
          <button key={f} type="button" className="btn btn-small" onClick={() => void exportRun(run.id, f)}>
            Export {f === "markdown" ? "Markdown" : f.toUpperCase()}
          </button>
        ))}
      </div>
      {option ? (
        <EChart
          option={option}
          testId="eval-chart"
          onBarClick={(index) => setCharacter(result.perCharacter[index]?.characterId ?? null)}
        />
      ) : null}
      <table className="workbench-table" data-testid="eval-sessions">
        <caption>
          {character === null ? "All sessions" : `Sessions of ${names.get(character)}`} (click a bar to
          filter)
          {character !== null ? (
            <button type="button" className="link-button" onClick={() => setCharacter(null)}>
              show all
            </button>
          ) : null}
        </caption>
        <thead>
          <tr>
            <th>Session</th>
            <th>Character</th>
            <th>Tokens</th>
            <th>Perplexity</th>
            <th>Replies scored / skipped</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.key}>
              <td>
                <SourceLink
                  sessionId={s.sessionId}
                  chatId={s.chatId}
                  characterName={names.get(s.characterId ?? -1) ?? ""}
                  label={s.key}
                />
              </td>
              <td>{names.get(s.characterId ?? -1) ?? "—"}</td>
              <td>{s.tokensScored}</td>
              <td>{s.perplexity.toFixed(3)}</td>
              <td>
                {s.repliesScored} / {s.repliesSkipped}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
