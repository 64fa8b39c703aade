import { useEffect, useState } from "react";
import { closeModelLibrary, dismissModelError, openLibrary, useModels } from "../../state/modelActions";
import { Dialog } from "../../ui/Dialog";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { CatalogList } from "./CatalogList";
import { DownloadsPanel } from "./DownloadsPanel";
import { HubTokenField } from "./HubTokenField";
import { InstalledModels } from "./InstalledModels";
import "./models.css";

type Tab = "installed" | "recommended" | "download";

const TABS: { id: Tab; label: string }[] = [
  { id: "installed", label: "My models" },
  { id: "recommended", label: "Recommended" },
  { id: "download", label: "Download" },
];

/** Mounted once by the app: the library dialog whenever something opened it. */
export function ModelLibraryHost() {
  const open = useModels((s) => s.libraryOpen);
  return open ? <ModelLibraryDialog onClose={closeModelLibrary} /> : null;
}

/** The model library: installed models, the recommended list, downloads. */
export function ModelLibraryDialog({ onClose }: Readonly<{ onClose: () => void }>) {
  const [tab, setTab] = useState<Tab>("installed");
  const error = useModels((s) => s.error);

  useEffect(() => {
    void openLibrary();
  }, []);

  return (
    <Dialog
      title="Models"
      onClose={onClose}
      variant="wide"
      testId="model-library"
      closeTestId="close-model-library"
    >
      <div className="view-tabs library-tabs" role="tablist" aria-label="Model library">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            className="view-tab"
            data-testid={`models-tab-${t.id}`}
            aria-selected={tab === t.id}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {error ? <ErrorBanner error={error} onDismiss={dismissModelError} /> : null}
      <DownloadsPanel showForm={tab === "download"} />
      {tab === "installed" ? <InstalledModels /> : null}
      {tab === "recommended" ? <CatalogList /> : null}
      {tab === "download" ? (
        <>
          <p className="muted">
            Downloads resume where they stopped (after a pause, a crash or a lost connection) and are checked
            against the SHA-256 the hub publishes before they appear under My models.
          </p>
          <HubTokenField />
        </>
      ) : null}
    </Dialog>
  );
}
