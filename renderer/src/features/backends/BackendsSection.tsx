import { type FormEvent, useEffect, useState } from "react";
import type { BackendInfo, BackendKind, BackendTestResult } from "../../../../shared/domain/backend";
import { type ApiError, toApiError } from "../../../../shared/errors";
import {
  addBackend,
  refreshBackends,
  removeBackend,
  switchBackend,
  testBackend,
  useBackends,
} from "../../state/backendActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import "./backends.css";

interface AddDraft {
  name: string;
  kind: BackendKind;
  url: string;
  model: string;
  apiKeyEnv: string;
  apiKey: string;
  allowPlainHttp: boolean;
  tokenizerModel: string;
}

const EMPTY: AddDraft = {
  name: "",
  kind: "llama-server",
  url: "",
  model: "",
  apiKeyEnv: "",
  apiKey: "",
  allowPlainHttp: false,
  tokenizerModel: "",
};

/** Settings section: where replies are generated (this machine or a remote server), add and test servers. */
export function BackendsSection() {
  const backends = useBackends((s) => s.backends);
  const tests = useBackends((s) => s.tests);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    refreshBackends().catch((e: unknown) => setError(toApiError(e)));
  }, []);

  /** Runs a call; its error is shown here. Resolves to whether it succeeded. */
  async function run(what: string, work: () => Promise<unknown>): Promise<boolean> {
    setBusy(what);
    setError(null);
    try {
      await work();
      return true;
    } catch (caught) {
      setError(toApiError(caught));
      return false;
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="settings-section" aria-labelledby="backends-heading" data-testid="backends-section">
      <h3 id="backends-heading">Backend</h3>
      <p className="muted">
        Replies are generated on this machine, or by a server you run (llama-server, vLLM, KoboldCpp, Ollama,
        TabbyAPI). Masque builds the prompt either way.
      </p>
      <ul className="backend-list">
        {backends.map((b) => (
          <BackendRow
            key={b.name}
            backend={b}
            test={tests[b.name]}
            busy={busy !== null}
            onUse={() => void run(`use ${b.name}`, () => switchBackend(b.name))}
            onTest={() => void run(`test ${b.name}`, () => testBackend(b.name))}
            onRemove={() => void run(`remove ${b.name}`, () => removeBackend(b.name))}
          />
        ))}
      </ul>
      <AddBackendForm busy={busy !== null} onAdd={(draft) => run("add", () => add(draft))} />
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}

async function add(draft: AddDraft): Promise<void> {
  await addBackend({
    name: draft.name.trim(),
    kind: draft.kind,
    url: draft.url.trim(),
    ...(draft.model.trim() ? { model: draft.model.trim() } : {}),
    ...(draft.apiKeyEnv.trim() ? { apiKeyEnv: draft.apiKeyEnv.trim() } : {}),
    ...(draft.apiKey ? { apiKey: draft.apiKey } : {}),
    ...(draft.allowPlainHttp ? { allowPlainHttp: true } : {}),
    ...(draft.tokenizerModel.trim() ? { tokenizerModel: draft.tokenizerModel.trim() } : {}),
  });
  await testBackend(draft.name.trim());
}

function BackendRow({
  backend: b,
  test,
  busy,
  onUse,
  onTest,
  onRemove,
}: Readonly<{
  backend: BackendInfo;
  test: BackendTestResult | undefined;
  busy: boolean;
  onUse: () => void;
  onTest: () => void;
  onRemove: () => void;
}>) {
  const remote = b.kind !== "local";
  return (
    <li className="backend-row" data-testid="backend-row" data-name={b.name} data-active={b.active}>
      <label className="backend-choice">
        <input type="radio" name="active-backend" checked={b.active} disabled={busy} onChange={onUse} />
        <span className="backend-name">{remote ? b.name : "This machine"}</span>
        <span className="muted">{remote ? `${b.kind} · ${b.url}` : "the local model"}</span>
        {b.apiKey !== "none" ? (
          <span className="muted">{b.apiKey === "env" ? `key from $${b.apiKeyEnv}` : "key stored"}</span>
        ) : null}
      </label>
      {remote ? (
        <span className="backend-tools">
          <button type="button" className="btn" data-testid="backend-test" disabled={busy} onClick={onTest}>
            Test
          </button>
          <button
            type="button"
            className="btn"
            data-testid="backend-remove"
            disabled={busy}
            onClick={onRemove}
          >
            Remove
          </button>
        </span>
      ) : null}
      {test ? (
        <p
          className={test.ok ? "backend-test ok" : "backend-test status-error-text"}
          data-testid="backend-test-result"
        >
          {test.ok
            ? `Connected: ${test.model ?? "model not named"}, context ${test.contextSize?.toLocaleString() ?? "not reported"} tokens`
            : `${test.error?.code ?? "BACKEND_ERROR"}: ${test.error?.message ?? "the test failed"}`}
        </p>
      ) : null}
    </li>
  );
}

function AddBackendForm({
  busy,
  onAdd,
}: Readonly<{ busy: boolean; onAdd: (draft: AddDraft) => Promise<boolean> }>) {
  const [draft, setDraft] = useState<AddDraft>(EMPTY);
  const set = <K extends keyof AddDraft>(key: K, value: AddDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // A refused backend keeps the form as typed, so the user can fix the field the error names.
    if (await onAdd(draft)) setDraft((d) => ({ ...EMPTY, kind: d.kind }));
  };
  return (
    <details className="backend-add">
      <summary data-testid="backend-add-open">Add a server</summary>
      <form className="form backend-add-form" onSubmit={(event) => void submit(event)}>
        <label className="field">
          <span className="field-label">Name</span>
          <input
            data-testid="backend-name"
            value={draft.name}
            onChange={(e) => set("name", e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Kind</span>
          <select
            data-testid="backend-kind"
            value={draft.kind}
            onChange={(e) => set("kind", e.target.value as BackendKind)}
          >
            <option value="llama-server">llama-server (native /completion)</option>
            <option value="openai">OpenAI-compatible (/v1/completions)</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">URL</span>
          <input
            data-testid="backend-url"
            value={draft.url}
            placeholder="http://127.0.0.1:8080"
            spellCheck={false}
            onChange={(e) => set("url", e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Model (optional)</span>
          <input
            data-testid="backend-model"
            value={draft.model}
            onChange={(e) => set("model", e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">API key from environment variable (optional)</span>
          <input
            data-testid="backend-key-env"
            value={draft.apiKeyEnv}
            placeholder="MY_SERVER_KEY"
            onChange={(e) => set("apiKeyEnv", e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">or API key, kept encrypted (desktop app)</span>
          <input
            type="password"
            autoComplete="off"
            data-testid="backend-key"
            value={draft.apiKey}
            onChange={(e) => set("apiKey", e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">
            Tokenizer model (optional: a local GGUF of the same model, for exact counts)
          </span>
          <input
            data-testid="backend-tokenizer"
            value={draft.tokenizerModel}
            placeholder="/path/to/same-model.gguf"
            spellCheck={false}
            onChange={(e) => set("tokenizerModel", e.target.value)}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.allowPlainHttp}
            onChange={(e) => set("allowPlainHttp", e.target.checked)}
          />
          Allow plain http:// to a host on my local network
        </label>
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="backend-add-submit"
            disabled={busy || !draft.name.trim() || !draft.url.trim()}
          >
            Add and test
          </button>
        </div>
      </form>
    </details>
  );
}
