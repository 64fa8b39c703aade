import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeEach, describe, expect, it, vi } from "vitest";

const electron = vi.hoisted(() => {
  class FakeBrowserWindow {
    static instances: FakeBrowserWindow[] = [];
    readonly once = vi.fn((event: string, listener: () => void) => {
      this.onceListeners.set(event, listener);
      return this;
    });
    readonly onceListeners = new Map<string, () => void>();
    readonly show = vi.fn();
    readonly loadFile = vi.fn(async (_file: string) => {});
    readonly loadURL = vi.fn(async (_url: string) => {});
    constructor(readonly options: Record<string, unknown>) {
      FakeBrowserWindow.instances.push(this);
    }
  }
  return { FakeBrowserWindow, nativeTheme: { shouldUseDarkColors: false } };
});

vi.mock("electron", () => ({ BrowserWindow: electron.FakeBrowserWindow, nativeTheme: electron.nativeTheme }));

const {
  WINDOW_BACKGROUND,
  buildWebPreferences,
  createMainWindow,
  preloadPath,
  resolveRendererTarget,
  windowBackground,
} = await import("../../../electron/hosts/electron/window");

const MAIN_DIR = "/opt/masque/out/main";

beforeEach(() => {
  electron.FakeBrowserWindow.instances.length = 0;
  electron.nativeTheme.shouldUseDarkColors = false;
});

describe("webPreferences", () => {
  it("locks the renderer down", () => {
    const prefs = buildWebPreferences("/x/preload.cjs");
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webSecurity).not.toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe("/x/preload.cjs");
  });

  it("points at the CommonJS preload bundle next to the main bundle", () => {
    expect(preloadPath(MAIN_DIR)).toBe(join("/opt/masque/out/preload/index.cjs"));
  });
});

describe("resolveRendererTarget", () => {
  it("loads the built index.html by default", () => {
    const file = join("/opt/masque/out/renderer/index.html");
    expect(resolveRendererTarget(MAIN_DIR, false, {})).toEqual({ url: pathToFileURL(file).href, file });
  });

  it("uses the dev server URL in an unpackaged app", () => {
    const env = { ELECTRON_RENDERER_URL: "http://localhost:5173" };
    expect(resolveRendererTarget(MAIN_DIR, false, env)).toEqual({
      url: "http://localhost:5173",
      devServerUrl: "http://localhost:5173",
    });
  });

  it("ignores the dev server URL in a packaged app", () => {
    const target = resolveRendererTarget(MAIN_DIR, true, { ELECTRON_RENDERER_URL: "https://evil.example" });
    expect(target.devServerUrl).toBeUndefined();
    expect(target.url.startsWith("file://")).toBe(true);
  });
});

describe("createMainWindow", () => {
  it("builds a hidden, sized, sandboxed window, shows it when ready and loads the file", () => {
    const file = "/opt/masque/out/renderer/index.html";
    createMainWindow({ url: pathToFileURL(file).href, file }, MAIN_DIR, "dark");
    const [window] = electron.FakeBrowserWindow.instances;
    if (!window) throw new Error("no window created");
    expect(window.options).toMatchObject({
      show: false,
      minWidth: expect.any(Number),
      minHeight: expect.any(Number),
      backgroundColor: WINDOW_BACKGROUND.dark,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
    expect(window.loadFile).toHaveBeenCalledExactlyOnceWith(file);
    expect(window.loadURL).not.toHaveBeenCalled();
    expect(window.show).not.toHaveBeenCalled();
    window.onceListeners.get("ready-to-show")?.();
    expect(window.show).toHaveBeenCalledOnce();
  });

  it("loads the dev server URL under electron-vite dev", () => {
    createMainWindow({ url: "http://localhost:5173", devServerUrl: "http://localhost:5173" }, MAIN_DIR);
    const [window] = electron.FakeBrowserWindow.instances;
    expect(window?.loadURL).toHaveBeenCalledExactlyOnceWith("http://localhost:5173");
    expect(window?.loadFile).not.toHaveBeenCalled();
  });

  it("matches the background to the theme setting and the system", () => {
    expect(windowBackground("light", true)).toBe(WINDOW_BACKGROUND.light);
    expect(windowBackground("dark", false)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground("system", true)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground("system", false)).toBe(WINDOW_BACKGROUND.light);
  });
});
