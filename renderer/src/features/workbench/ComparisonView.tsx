import { modelLabel, type RunComparison } from "../../../../shared/domain/eval";

const signed = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(4)}`;

/** Per character: the candidate's mean NLL minus the baseline's, its interval, and a flag where it got worse. */
export function ComparisonView({ comparison }: Readonly<{ comparison: RunComparison }>) {
  return (
    <div className="workbench-card" data-testid="eval-comparison">
      <h2>
        Compared with run #{comparison.baseline.runId} ({modelLabel(comparison.baseline.model)})
      </h2>
      {comparison.candidates.map((c) => (
        <table key={c.runId} className="workbench-table">
          <caption>
            Run #{c.runId} ({modelLabel(c.model)}): Δ {signed(c.difference)} nats/token [
            {signed(c.interval[0])}, {signed(c.interval[1])}]{c.worse ? " — worse" : ""}
          </caption>
          <thead>
            <tr>
              <th>Character</th>
              <th>Baseline NLL</th>
              <th>Candidate NLL</th>
              <th>Δ (95% CI)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {c.perCharacter.map((ch) => (
              <tr key={ch.characterId} className={ch.worse ? "worse" : ""}>
                <td>{ch.characterName}</td>
                <td>{ch.baselineNll.toFixed(4)}</td>
                <td>{ch.candidateNll.toFixed(4)}</td>
                <td>
                  {signed(ch.difference)} [{signed(ch.interval[0])}, {signed(ch.interval[1])}]
                </td>
                <td data-testid="eval-worse-flag">{ch.worse ? "worse" : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
