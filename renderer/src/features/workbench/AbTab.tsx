/** Blind A/B: set up contestants and prompts, vote on pairs labelled only A and B, then the report. */
import { useMemo, useState } from "react";
import type { AbContestantInput } from "../../../../shared/domain/eval";
import { useAppState } from "../../state/appStore";
import { openAbRun, startAb, useWorkbench } from "../../state/workbenchActions";
import { AbReportView } from "./AbReportView";
import { AbVoting } from "./AbVoting";
import { EMPTY_SOURCE, type EvalSource, SourcePicker, sourceReady } from "./SourcePicker";

export function AbTab() {
  const abRunId = useWorkbench((s) => s.abRunId);
  const next = useWorkbench((s) => s.abNext);
  const report = useWorkbench((s) => s.abReport);
  const allRuns = useWorkbench((s) => s.runs);
  const runs = useMemo(() => allRuns.filter((r) => r.kind === "ab"), [allRuns]);
  return (
    <div className="workbench-tab-body">
      <AbSetup />
      <h2>A/B runs</h2>
      <table className="workbench-table" data-testid="ab-runs">
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} className={abRunId === r.id ? "selected" : ""}>
              <td>
                <button
                  type="button"
                  className="link-button"
                  data-testid={`ab-open-${r.id}`}
                  onClick={() => void openAbRun(r.id)}
                >
                  #{r.id}
                </button>
              </td>
              <td>{r.status}</td>
              <td>
                {r.votes}/{r.items} voted
              </td>
              <td>{r.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && !("done" in next) ? <AbVoting next={next} /> : null}
      {report ? <AbReportView report={report} /> : null}
    </div>
  );
}

function AbSetup() {
  const defaultModel = useAppState((s) => s.settings?.modelPath ?? "");
  const presets = useAppState((s) => s.settings?.samplerPresets ?? []);
  const job = useWorkbench((s) => s.job);
  const [contestants, setContestants] = useState<AbContestantInput[] | null>(null);
  const [source, setSource] = useState<EvalSource>(EMPTY_SOURCE);
  const [items, setItems] = useState("10");
  const rows = contestants ?? [{ model: defaultModel }, { model: defaultModel }];
  const update = (index: number, patch: Partial<AbContestantInput>) =>
    setContestants(rows.map((c, i) => (i === index ? { ...c, ...patch } : c)));

  return (
    <form
      className="workbench-form"
      onSubmit={(e) => {
        e.preventDefault();
        void startAb({
          contestants: rows.map((c) => ({
            model: c.model,
            ...(c.templateId ? { templateId: c.templateId } : {}),
            ...(c.preset ? { preset: c.preset } : {}),
          })),
          ...(source.kind === "chats"
            ? { chatIds: source.chatIds }
            : { characterIds: source.kind === "characters" ? source.characterIds : [] }),
          items: Number(items) || 10,
        });
      }}
    >
      {rows.map((c, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: contestant rows have no identity but their place
        <div key={index} className="workbench-contestant" data-testid="ab-contestant">
          <label className="field grow">
            <span className="field-label">Contestant {index + 1}: model file</span>
            <input
              value={c.model}
              onChange={(e) => update(index, { model: e.target.value })}
              data-testid={`ab-model-${index}`}
            />
          </label>
          <label className="field">
            <span className="field-label">Template</span>
            <input
              value={c.templateId ?? ""}
              placeholder="auto"
              onChange={(e) => update(index, { templateId: e.target.value || undefined })}
              data-testid={`ab-template-${index}`}
            />
          </label>
          <label className="field">
            <span className="field-label">Sampler preset</span>
            <select
              value={c.preset ?? ""}
              onChange={(e) => update(index, { preset: e.target.value || undefined })}
              data-testid={`ab-preset-${index}`}
            >
              <option value="">current settings</option>
              {presets.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => setContestants([...rows, { model: defaultModel }])}
      >
        Add a contestant
      </button>
      <SourcePicker value={source} onChange={setSource} />
      <label className="field">
        <span className="field-label">Prompts</span>
        <input
          type="number"
          min={1}
          value={items}
          onChange={(e) => setItems(e.target.value)}
          data-testid="ab-items"
        />
      </label>
      <button
        type="submit"
        className="btn btn-primary"
        disabled={job !== null || !sourceReady(source)}
        data-testid="ab-start"
      >
        Generate replies
      </button>
    </form>
  );
}
