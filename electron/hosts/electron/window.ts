/** The main window: locked-down webPreferences, theme-matched background, dev server or built page. */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BrowserWindow, nativeTheme, type WebPreferences } from "electron";
import type { Settings } from "../../../shared/domain/settings";

/** Window background before the page paints; keep in sync with the renderer's base colours. */
export const WINDOW_BACKGROUND = { light: "#f7f5f2", dark: "#17161b" } as const;

export interface RendererTarget {
  /** What the window loads and what counts as "our page" for navigation and IPC checks. */
  url: string;
  /** Set for the built renderer (loaded with loadFile); absent under the dev server. */
  file?: string;
  /** Set only under `electron-vite dev`. */
  devServerUrl?: string;
}

/**
 * Where the renderer lives. The dev server URL is honoured only in an unpackaged app, so an
 * environment variable can never point a shipped build at another page.
 */
export function resolveRendererTarget(
  mainDir: string,
  isPackaged: boolean,
  env: NodeJS.ProcessEnv = process.env,
): RendererTarget {
  const devServerUrl = env.ELECTRON_RENDERER_URL;
  if (!isPackaged && devServerUrl) return { url: devServerUrl, devServerUrl };
  const file = join(mainDir, "..", "renderer", "index.html");
  return { url: pathToFileURL(file).href, file };
}

/** Built by electron-vite as a CommonJS bundle: sandboxed preloads cannot be ES modules. */
export function preloadPath(mainDir: string): string {
  return join(mainDir, "..", "preload", "index.cjs");
}

export function buildWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  };
}

export function windowBackground(theme: Settings["theme"], systemDark: boolean): string {
  const dark = theme === "dark" || (theme === "system" && systemDark);
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}

export function createMainWindow(
  target: RendererTarget,
  mainDir: string,
  theme: Settings["theme"] = "system",
): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: "Masque",
    backgroundColor: windowBackground(theme, nativeTheme.shouldUseDarkColors),
    webPreferences: buildWebPreferences(preloadPath(mainDir)),
  });
  window.once("ready-to-show", () => window.show());
  const loading = target.file ? window.loadFile(target.file) : window.loadURL(target.url);
  loading.catch((error: unknown) => console.error("could not load the renderer:", error));
  return window;
}
