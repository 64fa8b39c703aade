/** The model workbench: Perplexity, A/B and Statistics tabs over stored evaluation runs. */
import { useEffect } from "react";
import {
  connectWorkbenchEvents,
  dismissWorkbenchError,
  loadRuns,
  openWorkbench,
  setWorkbenchTab,
  useWorkbench,
  type WorkbenchTab,
} from "../../state/workbenchActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { AbTab } from "./AbTab";
import { JobProgress } from "./JobProgress";
import { PerplexityTab } from "./PerplexityTab";
import { StatsTab } from "./StatsTab";
import "./workbench.css";

const TABS: { id: WorkbenchTab; label: string }[] = [
  { id: "perplexity", label: "Perplexity" },
  { id: "ab", label: "A/B" },
  { id: "stats", label: "Statistics" },
];

export function Workbench() {
  const tab = useWorkbench((s) => s.tab);
  const error = useWorkbench((s) => s.error);

  useEffect(() => {
    const disconnect = connectWorkbenchEvents();
    // Whatever ended while no one listened shows up in the stored runs.
    void loadRuns();
    return disconnect;
  }, []);

  return (
    <section className="workbench" data-testid="workbench" aria-label="Model workbench">
      <header className="workbench-header">
        <h1>Model workbench</h1>
        <div className="workbench-tabs" role="tablist">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              className={`workbench-tab${tab === t.id ? " active" : ""}`}
              data-testid={`workbench-tab-${t.id}`}
              onClick={() => setWorkbenchTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="btn btn-small"
          data-testid="workbench-close"
          onClick={() => openWorkbench(false)}
        >
          Back to chat
        </button>
      </header>
      {error ? <ErrorBanner error={error} onDismiss={dismissWorkbenchError} /> : null}
      <JobProgress />
      <div className="workbench-body">
        {tab === "perplexity" ? <PerplexityTab /> : null}
        {tab === "ab" ? <AbTab /> : null}
        {tab === "stats" ? <StatsTab /> : null}
      </div>
    </section>
  );
}
