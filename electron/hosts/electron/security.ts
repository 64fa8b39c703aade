/**
 * The Electron security baseline (DESIGN.md §6): navigation and window-open guards, no webviews,
 * every permission denied, a strict Content-Security-Policy, and the IPC sender check.
 * The pure helpers are exported so they can be tested without Electron.
 */
import type { Session, Shell, WebContents } from "electron";
import { CONTENT_SECURITY_POLICY } from "../../../shared/security/csp";

export { CONTENT_SECURITY_POLICY };

/**
 * The policy for a page served from `appUrl`. Only under the electron-vite dev server does it allow
 * that server's origin, its HMR websocket and inline script (the React Fast Refresh preamble is an
 * inline module script); the packaged app always gets `CONTENT_SECURITY_POLICY`.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  if (!devServerUrl) return CONTENT_SECURITY_POLICY;
  const origin = new URL(devServerUrl).origin;
  const ws = origin.replace(/^http/, "ws");
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${origin} ${ws}`,
  );
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Only plain http(s) links without embedded credentials may leave the app (to the system browser). */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  return parsed.hostname !== "" && parsed.username === "" && parsed.password === "";
}

/**
 * Whether `url` is the app's own page. `appUrl` is what the main window loads: the dev server URL
 * (any path on the same origin counts) or the file:// URL of the built index.html (only that file).
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const target = parse(url);
  const app = parse(appUrl);
  if (!target || !app) return false;
  if (app.protocol === "http:" || app.protocol === "https:") return target.origin === app.origin;
  if (app.protocol !== "file:" || target.protocol !== "file:") return false;
  return target.host === app.host && target.pathname === app.pathname;
}

/** Whether a response belongs to the app (its page or its assets): same origin, or file:// for a file app. */
export function isAppResource(url: string, appUrl: string): boolean {
  const target = parse(url);
  const app = parse(appUrl);
  if (!target || !app) return false;
  if (app.protocol === "file:") return target.protocol === "file:";
  return target.origin === app.origin;
}

/** Structural views of the Electron objects the guards touch (so tests can pass small fakes). */
export interface SenderEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}
export interface WindowLike {
  isDestroyed(): boolean;
  readonly webContents: { readonly id: number };
}

/**
 * The IPC sender check: the call must come from the top frame of our main window, showing our page.
 * Anything else (another window, an iframe, a page we navigated away to) is refused.
 */
export function isTrustedSender(event: SenderEventLike, window: WindowLike | null, appUrl: string): boolean {
  if (!window || window.isDestroyed()) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (event.sender.id !== window.webContents.id) return false;
  return isAppUrl(frame.url, appUrl);
}

export function createSenderCheck(
  getWindow: () => WindowLike | null,
  appUrl: string,
): (event: SenderEventLike) => boolean {
  return (event) => isTrustedSender(event, getWindow(), appUrl);
}

type ContentsLike = Pick<WebContents, "on" | "setWindowOpenHandler">;

/** Guards applied to every webContents (the app registers this on `web-contents-created`). */
export function hardenWebContents(
  contents: ContentsLike,
  appUrl: string,
  shell: Pick<Shell, "openExternal">,
): void {
  const keepInApp = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  };
  contents.on("will-navigate", keepInApp);
  contents.on("will-redirect", keepInApp);
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) {
      shell.openExternal(url).catch((error: unknown) => console.error("openExternal failed:", error));
    }
    return { action: "deny" };
  });
}

type SessionLike = Pick<Session, "setPermissionRequestHandler" | "setPermissionCheckHandler"> & {
  readonly webRequest: Pick<Session["webRequest"], "onHeadersReceived">;
};

/** Denies every permission and adds the CSP header to the app's own responses. */
export function hardenSession(session: SessionLike, appUrl: string, devServerUrl?: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  const policy = contentSecurityPolicy(devServerUrl);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppResource(details.url, appUrl)) {
      callback({});
      return;
    }
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== "content-security-policy") headers[name] = value;
    }
    headers["Content-Security-Policy"] = [policy];
    callback({ responseHeaders: headers });
  });
}
