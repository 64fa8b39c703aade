import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { METHODS } from "../../../shared/api/contract";
import { DEFAULT_SETTINGS } from "../../../shared/domain/settings";
import { MasqueError } from "../../../shared/errors";
import { FakeCore, FakeIpcMain } from "./fakes";

type AnyListener = (...args: unknown[]) => unknown;

const m = vi.hoisted(() => {
  const state = {
    appListeners: new Map<string, AnyListener>(),
    windows: [] as Array<Record<string, unknown>>,
    stores: [] as Array<Record<string, unknown>>,
  };
  let nextId = 1;
  class FakeBrowserWindow {
    readonly webContents = { id: nextId++ };
    readonly options: Record<string, unknown>;
    readonly on = vi.fn();
    readonly once = vi.fn();
    readonly loadFile = vi.fn(async () => {});
    readonly loadURL = vi.fn(async () => {});
    readonly focus = vi.fn();
    isDestroyed = () => false;
    isMinimized = () => false;
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(options);
    }
  }
  class FakeStore {
    store: Record<string, unknown> = {};
    constructor(readonly options: Record<string, unknown>) {
      state.stores.push(options);
      this.store = { ...((options.defaults as Record<string, unknown> | undefined) ?? {}) };
    }
    set(values: Record<string, unknown>) {
      Object.assign(this.store, values);
    }
  }
  return {
    menu: { buildFromTemplate: vi.fn((template: unknown) => template), setApplicationMenu: vi.fn() },
    state,
    FakeBrowserWindow,
    FakeStore,
    createCore: vi.fn(),
    app: {
      getPath: vi.fn(() => "/home/u/.config/Masque"),
      setPath: vi.fn(),
      enableSandbox: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => true),
      whenReady: vi.fn(async () => {}),
      quit: vi.fn(),
      exit: vi.fn(),
      isPackaged: false,
      getVersion: () => "9.9.9",
      on: vi.fn((name: string, listener: AnyListener) => {
        state.appListeners.set(name, listener);
      }),
    },
    dialog: { showErrorBox: vi.fn() },
    ipcMain: null as unknown,
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
  };
});

vi.mock("electron", () => ({
  app: m.app,
  BrowserWindow: m.FakeBrowserWindow,
  dialog: m.dialog,
  get ipcMain() {
    return m.ipcMain;
  },
  Menu: m.menu,
  nativeTheme: { shouldUseDarkColors: false },
  session: m.session,
  shell: { openExternal: vi.fn(async () => {}) },
  safeStorage: { isEncryptionAvailable: () => false, encryptString: vi.fn(), decryptString: vi.fn() },
}));
vi.mock("electron-store", () => ({ default: m.FakeStore }));
vi.mock("../../../electron/services/core", () => ({ createCore: m.createCore }));

let ipcMain: FakeIpcMain;
let core: FakeCore;

beforeEach(() => {
  vi.resetModules();
  vi.clearAllMocks();
  m.state.appListeners.clear();
  m.state.windows.length = 0;
  m.state.stores.length = 0;
  ipcMain = new FakeIpcMain();
  m.ipcMain = ipcMain;
  core = new FakeCore();
  m.createCore.mockResolvedValue(core);
  m.app.requestSingleInstanceLock.mockReturnValue(true);
  vi.stubEnv("MASQUE_DATA_DIR", "/data/masque");
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function startMain(): Promise<void> {
  await import("../../../electron/hosts/electron/main");
}

describe("Electron main wiring", () => {
  it("builds settings and the core in the data dir, registers IPC and opens one sandboxed window", async () => {
    await startMain();
    await vi.waitFor(() => expect(m.state.windows).toHaveLength(1));

    expect(m.app.enableSandbox).toHaveBeenCalledOnce();
    expect(m.app.setPath).toHaveBeenCalledWith("userData", "/data/masque");
    expect(m.state.stores).toEqual([{ name: "settings", cwd: "/data/masque", clearInvalidConfig: false }]);
    expect(ipcMain.removeAllListeners).toHaveBeenCalledWith("electron-store-get-data");
    expect(m.createCore).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({
        dataDir: "/data/masque",
        host: "electron",
        version: "9.9.9",
        tokenVault: expect.objectContaining({ read: expect.any(Function), write: expect.any(Function) }),
      }),
    );
    const settings = m.createCore.mock.calls[0]?.[0].settings;
    expect(settings.getAll()).toEqual(DEFAULT_SETTINGS);

    expect([...ipcMain.handlers.keys()].sort()).toEqual(METHODS.map((x) => `masque:${x}`).sort());
    expect(m.state.windows[0]).toMatchObject({ webPreferences: { sandbox: true, contextIsolation: true } });
    expect(m.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledOnce();
    expect(m.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledOnce();
    expect(m.state.appListeners.has("web-contents-created")).toBe(true);
  });

  it("shows the error and quits when the core cannot open its storage", async () => {
    m.createCore.mockRejectedValueOnce(new MasqueError("STORAGE_UNAVAILABLE", "database is locked"));
    await startMain();
    await vi.waitFor(() => expect(m.dialog.showErrorBox).toHaveBeenCalledOnce());
    expect(m.dialog.showErrorBox.mock.calls[0]?.[1]).toBe("STORAGE_UNAVAILABLE: database is locked");
    expect(m.app.exit).toHaveBeenCalledWith(1);
    expect(m.state.windows).toHaveLength(0);
    expect(ipcMain.handlers.size).toBe(0);
  });

  it("shows the error and quits when --data-dir has no directory", async () => {
    const argv = process.argv;
    process.argv = [...argv, "--data-dir"];
    try {
      await startMain();
    } finally {
      process.argv = argv;
    }
    expect(m.dialog.showErrorBox).toHaveBeenCalledExactlyOnceWith(
      "Masque could not start",
      "INVALID_INPUT: --data-dir needs a directory",
    );
    expect(m.app.exit).toHaveBeenCalledWith(1);
    expect(m.app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(m.createCore).not.toHaveBeenCalled();
  });

  it("quits at once when another instance holds the lock", async () => {
    m.app.requestSingleInstanceLock.mockReturnValue(false);
    await startMain();
    expect(m.app.quit).toHaveBeenCalledOnce();
    expect(m.app.whenReady).not.toHaveBeenCalled();
    expect(m.createCore).not.toHaveBeenCalled();
  });

  it("disposes the core and the IPC handlers before quitting", async () => {
    await startMain();
    await vi.waitFor(() => expect(m.state.appListeners.has("will-quit")).toBe(true));
    const willQuit = m.state.appListeners.get("will-quit") as AnyListener;

    const first = { preventDefault: vi.fn() };
    willQuit(first);
    expect(first.preventDefault).toHaveBeenCalledOnce();
    expect(core.dispose).toHaveBeenCalledOnce();
    expect(ipcMain.handlers.size).toBe(0);
    await vi.waitFor(() => expect(m.app.quit).toHaveBeenCalledOnce());

    const second = { preventDefault: vi.fn() };
    willQuit(second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(core.dispose).toHaveBeenCalledOnce();
  });

  it("quits when the last window closes except on macOS", async () => {
    await startMain();
    await vi.waitFor(() => expect(m.state.appListeners.has("window-all-closed")).toBe(true));
    const platform = Object.getOwnPropertyDescriptor(process, "platform");
    try {
      Object.defineProperty(process, "platform", { value: "darwin" });
      m.state.appListeners.get("window-all-closed")?.();
      expect(m.app.quit).not.toHaveBeenCalled();
      Object.defineProperty(process, "platform", { value: "linux" });
      m.state.appListeners.get("window-all-closed")?.();
      expect(m.app.quit).toHaveBeenCalledOnce();
    } finally {
      if (platform) Object.defineProperty(process, "platform", platform);
    }
  });
});
