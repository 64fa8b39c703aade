/** Reply statistics of an A/B run's replies beside the PIPPA bot turns of the same characters. */
import { useMemo, useState } from "react";
import type { ReplyStatsReport } from "../../../../shared/domain/eval";
import { loadStats, useWorkbench } from "../../state/workbenchActions";
import { type ChartOption, EChart } from "./EChart";
import { type EvalSource, SourcePicker } from "./SourcePicker";

export function StatsTab() {
  const allRuns = useWorkbench((s) => s.runs);
  const runs = useMemo(() => allRuns.filter((r) => r.kind === "ab" && r.status === "done"), [allRuns]);
  const stats = useWorkbench((s) => s.stats);
  const [runId, setRunId] = useState<number | null>(null);
  const [useChats, setUseChats] = useState(false);
  const [chats, setChats] = useState<EvalSource>({ kind: "chats", chatIds: [] });
  const chatIds = chats.kind === "chats" ? chats.chatIds : [];
  const ready = useChats ? chatIds.length > 0 : runId !== null;
  return (
    <div className="workbench-tab-body">
      <form
        className="workbench-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (useChats) void loadStats({ chatIds });
          else if (runId !== null) void loadStats({ abRunId: runId });
        }}
      >
        <div className="workbench-source-kinds" role="radiogroup" aria-label="Which replies">
          <label className="workbench-check">
            <input type="radio" name="stats-source" checked={!useChats} onChange={() => setUseChats(false)} />
            Replies of an A/B run
          </label>
          <label className="workbench-check">
            <input
              type="radio"
              name="stats-source"
              checked={useChats}
              onChange={() => setUseChats(true)}
              data-testid="stats-source-chats"
            />
            My chats
          </label>
        </div>
        {useChats ? (
          <SourcePicker
            value={chats}
            onChange={(source) => setChats(source.kind === "chats" ? source : chats)}
          />
        ) : (
          <label className="field">
            <span className="field-label">A/B run</span>
            <select
              value={runId ?? ""}
              onChange={(e) => setRunId(e.target.value ? Number(e.target.value) : null)}
              data-testid="stats-run"
            >
              <option value="">choose…</option>
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  #{r.id} {r.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="btn btn-primary" disabled={!ready} data-testid="stats-show">
          Show statistics
        </button>
      </form>
      {stats ? <StatsCharts stats={stats} /> : null}
    </div>
  );
}

function StatsCharts({ stats }: Readonly<{ stats: ReplyStatsReport }>) {
  const sets = useMemo(() => [...stats.sets, ...(stats.reference ? [stats.reference] : [])], [stats]);
  const box = useMemo<ChartOption>(
    () => ({
      animation: false,
      title: { text: "Words per reply", textStyle: { fontSize: 13 } },
      tooltip: {},
      grid: { left: 48, right: 16, top: 36, bottom: 60 },
      xAxis: {
        type: "category",
        data: sets.map((s) => s.label),
        axisLabel: { interval: 0, width: 140, overflow: "truncate" },
      },
      yAxis: { type: "value" },
      series: [
        {
          type: "boxplot",
          data: sets.map((s) => [
            s.words.whiskerLow,
            s.words.q1,
            s.words.median,
            s.words.q3,
            s.words.whiskerHigh,
          ]),
        },
      ],
    }),
    [sets],
  );
  const histogram = useMemo<ChartOption>(
    () => ({
      animation: false,
      title: { text: "Reply length histogram (words)", textStyle: { fontSize: 13 } },
      tooltip: {},
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 60 },
      xAxis: {
        type: "category",
        data: (sets[0]?.wordHistogram.bins ?? []).map((b) => `${Math.round(b.low)}–${Math.round(b.high)}`),
      },
      yAxis: { type: "value", name: "share" },
      series: sets.map((s) => ({
        type: "bar",
        name: s.label,
        data: s.wordHistogram.bins.map((b) => Number((b.count / Math.max(1, s.replies)).toFixed(4))),
      })),
    }),
    [sets],
  );
  return (
    <div className="workbench-card" data-testid="stats-report">
      <EChart option={box} testId="stats-boxplot" />
      <EChart option={histogram} testId="stats-histogram" />
      <table className="workbench-table">
        <thead>
          <tr>
            <th>Replies of</th>
            <th>Count</th>
            <th>Median words</th>
            <th>Narration share</th>
            <th>Speaks for the user</th>
            <th>Out of character</th>
          </tr>
        </thead>
        <tbody>
          {sets.map((s) => (
            <tr key={s.label}>
              <td>{s.label}</td>
              <td>{s.replies}</td>
              <td>{s.words.median}</td>
              <td>{(s.narrationShare.mean * 100).toFixed(0)}%</td>
              <td>{(s.speaksForUserRate * 100).toFixed(0)}%</td>
              <td>{(s.oocRate * 100).toFixed(0)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
