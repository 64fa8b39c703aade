import { lazy, Suspense, useEffect, useState } from "react";
import { ChatPane } from "../features/chat/ChatPane";
import { DropOverlay } from "../features/import/DropOverlay";
import { ModelLibraryHost } from "../features/models/ModelLibraryDialog";
import { SettingsPanel } from "../features/settings/SettingsPanel";
import { useAppState } from "../state/appStore";
import { connectEvents } from "../state/generationEvents";
import { connectImportEvents } from "../state/importActions";
import { bootstrap, dismissAppError } from "../state/libraryActions";
import { connectModelEvents } from "../state/modelActions";
import { useWorkbench } from "../state/workbenchActions";
import { ErrorBanner } from "../ui/ErrorBanner";
import { Sidebar } from "./Sidebar";
import { applyTheme } from "./theme";
import "./app.css";

// The workbench and its charting library load only when it is opened.
const Workbench = lazy(() =>
  import("../features/workbench/Workbench").then((m) => ({ default: m.Workbench })),
);

export function App() {
  const [settingsOpen, setSettingsOpen] = useState(false);
  const theme = useAppState((s) => s.settings?.theme);
  const appError = useAppState((s) => s.appError);
  const workbenchOpen = useWorkbench((s) => s.open);

  useEffect(() => {
    const disconnect = connectEvents();
    const disconnectImports = connectImportEvents();
    const disconnectModels = connectModelEvents();
    void bootstrap();
    return () => {
      disconnect();
      disconnectImports();
      disconnectModels();
    };
  }, []);

  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);

  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        {appError ? (
          <div className="app-error">
            <ErrorBanner error={appError} onDismiss={dismissAppError} />
          </div>
        ) : null}
        {workbenchOpen ? (
          <Suspense fallback={<p className="loading-hint">Loading the workbench…</p>}>
            <Workbench />
          </Suspense>
        ) : (
          <ChatPane onOpenSettings={() => setSettingsOpen(true)} />
        )}
      </main>
      {settingsOpen ? <SettingsPanel onClose={() => setSettingsOpen(false)} /> : null}
      <ModelLibraryHost />
      <DropOverlay />
    </div>
  );
}
