/** Electron main process: wiring only (lifecycle, settings + core, IPC, window, security). */
import { join } from "node:path";
import { app, type BrowserWindow, dialog, ipcMain, Menu, session, shell } from "electron";
import Store from "electron-store";
import { isErrorCode } from "../../../shared/errors";
import { createCore } from "../../services/core";
import type { Core } from "../../services/coreTypes";
import { createSettingsStore } from "../../storage/settingsStore";
import { resolveDataDir, takeDataDirFlag } from "../dataDir";
import { registerIpc } from "./ipc";
import { menuTemplate } from "./menu";
import { createSafeStorageSecrets } from "./safeStorageSecrets";
import { createSenderCheck, hardenSession, hardenWebContents } from "./security";
import { createMainWindow, resolveRendererTarget } from "./window";

const DISPOSE_TIMEOUT_MS = 5000;
const mainDir = import.meta.dirname;
const dataDir = chooseDataDir();
if (dataDir !== null) {
  // Chromium's own files and the single-instance lock follow the data directory too.
  if (dataDir !== app.getPath("userData")) app.setPath("userData", dataDir);
  app.enableSandbox();
  if (app.requestSingleInstanceLock()) {
    start(dataDir).catch((error: unknown) => fail(error));
  } else {
    app.quit();
  }
}

function chooseDataDir(): string | null {
  try {
    return resolveDataDir(takeDataDirFlag(process.argv).flag, process.env, app.getPath("userData"));
  } catch (error) {
    fail(error);
    return null;
  }
}

function fail(error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox("Masque could not start", isErrorCode(code) ? `${code}: ${message}` : message);
  app.exit(1);
}

async function start(dataDir: string): Promise<void> {
  await app.whenReady();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate(process.platform === "darwin", !app.isPackaged)),
  );
  const target = resolveRendererTarget(mainDir, app.isPackaged);
  hardenSession(session.defaultSession, target.url, target.devServerUrl);
  app.on("web-contents-created", (_event, contents) => hardenWebContents(contents, target.url, shell));

  // No defaults: the settings store fills them in on read, so opening never writes the file.
  const store = new Store<Record<string, unknown>>({
    name: "settings",
    cwd: dataDir,
    clearInvalidConfig: false,
  });
  // electron-store answers this sync channel for renderer-side stores; we have none.
  ipcMain.removeAllListeners("electron-store-get-data");
  const settings = createSettingsStore(store, dataDir);
  const core: Core = await createCore({
    dataDir,
    host: "electron",
    settings,
    version: app.getVersion(),
    secrets: createSafeStorageSecrets(join(dataDir, "backend-keys.json")),
  });

  let mainWindow: BrowserWindow | null = null;
  const openWindow = () => {
    const window = createMainWindow(target, mainDir, settings.getAll().theme);
    window.on("closed", () => {
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
  };
  const disposeIpc = registerIpc(
    ipcMain,
    core,
    createSenderCheck(() => mainWindow, target.url),
    () => mainWindow?.webContents,
  );
  openWindow();

  app.on("second-instance", () => {
    if (!mainWindow) openWindow();
    else if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on("activate", () => {
    if (!mainWindow) openWindow();
  });
  app.on("window-all-closed", () => {
    if (process.platform !== "darwin") app.quit();
  });

  let disposed = false;
  app.on("will-quit", (event) => {
    if (disposed) return;
    event.preventDefault();
    disposeIpc();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, DISPOSE_TIMEOUT_MS).unref());
    Promise.race([core.dispose(), timeout])
      .catch((error: unknown) => console.error("core dispose failed:", error))
      .finally(() => {
        disposed = true;
        app.quit();
      });
  });
}
