/**
 * Attaching LoRA adapters: the library's adapters, each with a checkbox and a scale, and a field
 * to add another adapter file by its path. The caller stores the chosen set (a chat's options,
 * the global setting, or a workbench run).
 */
import { useEffect, useState } from "react";
import type { AdapterInfo } from "../../../../shared/api/contract";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { addAdapter, fetchAdapters, type LoraChoice } from "../../state/adapterActions";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { parseScale } from "./loraLabels";
import "./lora.css";

const DEFAULT_SCALE = 1;

/** The library's adapters, loaded when the panel shows and after each addition. */
export function useAdapters(): [AdapterInfo[] | null, (adapter: AdapterInfo) => void, ApiError | null] {
  const [adapters, setAdapters] = useState<AdapterInfo[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    fetchAdapters().then(
      (list) => live && setAdapters(list),
      (caught: unknown) => live && setError(toApiError(caught)),
    );
    return () => {
      live = false;
    };
  }, []);
  const added = (adapter: AdapterInfo) =>
    setAdapters((list) => [...(list ?? []).filter((a) => a.id !== adapter.id), adapter]);
  return [adapters, added, error];
}

export function AdapterPanel({
  value,
  onChange,
  testId,
}: Readonly<{ value: readonly LoraChoice[]; onChange: (next: LoraChoice[]) => void; testId: string }>) {
  const [adapters, added, loadError] = useAdapters();
  const [path, setPath] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function add() {
    setError(null);
    setBusy(true);
    try {
      const adapter = await addAdapter(path.trim());
      added(adapter);
      setPath("");
      if (!value.some((c) => c.adapterId === adapter.id))
        onChange([...value, { adapterId: adapter.id, scale: DEFAULT_SCALE }]);
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="adapter-panel" data-testid={testId}>
      {loadError ? <ErrorBanner error={loadError} /> : null}
      {adapters && adapters.length === 0 ? <p className="muted">No adapters in the library yet.</p> : null}
      <ul className="adapter-list">
        {(adapters ?? []).map((adapter) => (
          <AdapterRow
            key={adapter.id}
            adapter={adapter}
            choice={value.find((c) => c.adapterId === adapter.id) ?? null}
            onChoice={(choice) =>
              onChange(
                choice === null
                  ? value.filter((c) => c.adapterId !== adapter.id)
                  : value.some((c) => c.adapterId === adapter.id)
                    ? value.map((c) => (c.adapterId === adapter.id ? choice : c))
                    : [...value, choice],
              )
            }
          />
        ))}
      </ul>
      <form
        className="adapter-add"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <input
          value={path}
          onChange={(event) => setPath(event.target.value)}
          placeholder="/path/to/adapter.gguf"
          aria-label="LoRA adapter file"
          spellCheck={false}
          autoComplete="off"
          data-testid={`${testId}-path`}
        />
        <button
          type="submit"
          className="btn btn-small"
          disabled={busy || path.trim() === ""}
          data-testid={`${testId}-add`}
        >
          Add
        </button>
      </form>
      {error ? <ErrorBanner error={error} /> : null}
    </div>
  );
}

function AdapterRow({
  adapter,
  choice,
  onChoice,
}: Readonly<{
  adapter: AdapterInfo;
  choice: LoraChoice | null;
  onChoice: (choice: LoraChoice | null) => void;
}>) {
  const [scaleText, setScaleText] = useState(String(choice?.scale ?? DEFAULT_SCALE));
  useEffect(() => {
    if (choice) setScaleText((text) => (parseScale(text) === choice.scale ? text : String(choice.scale)));
  }, [choice]);
  const scale = parseScale(scaleText);
  return (
    <li
      className="adapter-row"
      data-testid={`adapter-${adapter.fileName}`}
      data-attached-scale={choice === null ? undefined : choice.scale}
    >
      <label className="adapter-name" title={`${adapter.path}\nSHA-256 ${adapter.sha256}`}>
        <input
          type="checkbox"
          checked={choice !== null}
          disabled={scale === null}
          onChange={(event) =>
            onChoice(event.target.checked && scale !== null ? { adapterId: adapter.id, scale } : null)
          }
          data-testid="adapter-attached"
        />
        {adapter.fileName}
      </label>
      <label className="adapter-scale">
        <span className="visually-hidden">Scale of {adapter.fileName}</span>
        <input
          type="number"
          step={0.05}
          min={-10}
          max={10}
          value={scaleText}
          aria-invalid={scale === null}
          onChange={(event) => {
            setScaleText(event.target.value);
            const next = parseScale(event.target.value);
            if (choice && next !== null && next !== choice.scale)
              onChoice({ adapterId: adapter.id, scale: next });
          }}
          data-testid="adapter-scale"
        />
      </label>
    </li>
  );
}
