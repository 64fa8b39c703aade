/** Perplexity: start a run, list the stored runs, open one, compare several. */
import { useMemo, useState } from "react";
import { fetchAdapters, type LoraChoice } from "../../state/adapterActions";
import { useAppState } from "../../state/appStore";
import { startScaleSweep } from "../../state/loraSweep";
import { compareRuns, selectRun, startPerplexity, useWorkbench } from "../../state/workbenchActions";
import { AdapterPanel } from "../lora/AdapterPanel";
import { ComparisonView } from "./ComparisonView";
import { RunDetail } from "./RunDetail";
import { EMPTY_SOURCE, type EvalSource, SourcePicker, sourceInput, sourceReady } from "./SourcePicker";

export function PerplexityTab() {
  const defaultModel = useAppState((s) => s.settings?.modelPath ?? "");
  const allRuns = useWorkbench((s) => s.runs);
  const runs = useMemo(() => allRuns.filter((r) => r.kind === "perplexity"), [allRuns]);
  const job = useWorkbench((s) => s.job);
  const selected = useWorkbench((s) => s.selectedRun);
  const comparison = useWorkbench((s) => s.comparison);
  const [model, setModel] = useState<string | null>(null);
  const [source, setSource] = useState<EvalSource>(EMPTY_SOURCE);
  const [sessions, setSessions] = useState("");
  const [checked, setChecked] = useState<number[]>([]);
  const [lora, setLora] = useState<LoraChoice[]>([]);
  const [sweep, setSweep] = useState(false);
  const modelPath = model ?? defaultModel;
  const sweeping = sweep && lora.length === 1;

  async function run() {
    const library = await fetchAdapters();
    const files = lora.flatMap(({ adapterId, scale }) => {
      const adapter = library.find((a) => a.id === adapterId);
      return adapter ? [{ path: adapter.path, scale }] : [];
    });
    const input = {
      model: modelPath,
      ...sourceInput(source),
      ...(sessions.trim() && source.kind === "characters" ? { sessions: Number(sessions) } : {}),
    };
    const single = files[0];
    if (sweeping && single) await startScaleSweep(input, single.path);
    else await startPerplexity({ ...input, ...(files.length > 0 ? { lora: files } : {}) });
  }

  return (
    <div className="workbench-tab-body">
      <form
        className="workbench-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label className="field grow">
          <span className="field-label">Model file</span>
          <input value={modelPath} onChange={(e) => setModel(e.target.value)} data-testid="eval-model" />
        </label>
        <SourcePicker value={source} onChange={setSource} kinds={["characters", "chats", "text"]} />
        <label className="field">
          <span className="field-label">Sessions per character</span>
          <input
            type="number"
            min={1}
            value={sessions}
            placeholder="all"
            onChange={(e) => setSessions(e.target.value)}
            data-testid="eval-sessions"
          />
        </label>
        <fieldset className="field adapter-fieldset">
          <legend className="field-label">LoRA adapters</legend>
          <AdapterPanel value={lora} onChange={setLora} testId="eval-adapters" />
          <label className="workbench-check">
            <input
              type="checkbox"
              checked={sweep}
              disabled={lora.length !== 1}
              onChange={(e) => setSweep(e.target.checked)}
              data-testid="eval-lora-sweep"
            />
            Scales 0 / 0.5 / 1 (one run each, then compared)
          </label>
        </fieldset>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={job !== null || !modelPath || !sourceReady(source)}
          data-testid="eval-run"
        >
          {sweeping ? "Evaluate three scales" : "Evaluate perplexity"}
        </button>
      </form>

      <h2>Runs</h2>
      <table className="workbench-table" data-testid="eval-runs">
        <thead>
          <tr>
            <th>Compare</th>
            <th>Run</th>
            <th>Status</th>
            <th>Perplexity (95% CI)</th>
            <th>What</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} className={selected?.id === r.id ? "selected" : ""}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Compare run ${r.id}`}
                  checked={checked.includes(r.id)}
                  disabled={r.status !== "done"}
                  onChange={(e) =>
                    setChecked(e.target.checked ? [...checked, r.id] : checked.filter((id) => id !== r.id))
                  }
                />
              </td>
              <td>
                <button
                  type="button"
                  className="link-button"
                  data-testid={`eval-open-run-${r.id}`}
                  onClick={() => void selectRun(r.id)}
                >
                  #{r.id}
                </button>
              </td>
              <td data-testid={`eval-run-status-${r.id}`}>{r.status}</td>
              <td>
                {r.figures
                  ? `${r.figures.perplexity.toFixed(3)}${r.figures.interval ? ` (${r.figures.interval[0].toFixed(2)}–${r.figures.interval[1].toFixed(2)})` : ""}`
                  : "—"}
              </td>
              <td>{r.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="btn btn-small"
        disabled={checked.length < 2}
        data-testid="eval-compare"
        onClick={() => void compareRuns(checked)}
      >
        Compare selected (first is the baseline)
      </button>
      {comparison ? <ComparisonView comparison={comparison} /> : null}
      {selected ? <RunDetail run={selected} /> : null}
    </div>
  );
}
