import { describe, expect, it, vi } from "vitest";
import {
  CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  hardenSession,
  hardenWebContents,
  isAppResource,
  isAppUrl,
  isSafeExternalUrl,
} from "../../../electron/hosts/electron/security";

const APP_URL = "file:///opt/masque/out/renderer/index.html";
const DEV_URL = "http://localhost:5173/";

type Listener = (event: { preventDefault(): void }, url?: string) => void;
type OpenHandler = (details: { url: string }) => { action: string };

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: OpenHandler | undefined;
  const contents = {
    on: vi.fn((name: string, listener: Listener) => {
      listeners.set(name, listener);
      return contents;
    }),
    setWindowOpenHandler: vi.fn((handler: OpenHandler) => {
      openHandler = handler;
    }),
  };
  const shell = { openExternal: vi.fn(async () => {}) };
  // biome-ignore lint/suspicious/noExplicitAny: the fake stands in for Electron's overloaded WebContents.on
  hardenWebContents(contents as any, APP_URL, shell);
  const fire = (name: string, url?: string) => {
    const listener = listeners.get(name);
    if (!listener) throw new Error(`no ${name} listener`);
    const event = { preventDefault: vi.fn() };
    listener(event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  const open = (url: string) => {
    if (!openHandler) throw new Error("no window open handler");
    return openHandler({ url });
  };
  return { fire, open, shell };
}

function scriptSrc(policy: string): string {
  const directive = policy
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith("script-src "));
  if (!directive) throw new Error("no script-src");
  return directive;
}

describe("pure helpers", () => {
  it.each([
    ["https://example.com/page", true],
    ["http://example.com", true],
    ["file:///etc/passwd", false],
    ["javascript:alert(1)", false],
    ["data:text/html,<script>1</script>", false],
    ["mailto:a@b.c", false],
    ["https://user:pw@example.com/", false],
    ["not a url", false],
  ])("isSafeExternalUrl(%s) is %s", (url, expected) => {
    expect(isSafeExternalUrl(url)).toBe(expected);
  });

  it.each([
    [APP_URL, APP_URL, true],
    [`${APP_URL}#/settings`, APP_URL, true],
    ["file:///opt/masque/out/renderer/other.html", APP_URL, false],
    ["file:///tmp/evil.html", APP_URL, false],
    ["https://evil.example/", APP_URL, false],
    ["http://localhost:5173/chats", DEV_URL, true],
    ["http://localhost:5174/", DEV_URL, false],
    ["http://evil.example/", DEV_URL, false],
    ["garbage", APP_URL, false],
  ])("isAppUrl(%s, %s) is %s", (url, app, expected) => {
    expect(isAppUrl(url, app)).toBe(expected);
  });

  it("isAppResource covers the app's assets but not other origins", () => {
    expect(isAppResource("file:///opt/masque/out/renderer/assets/index.js", APP_URL)).toBe(true);
    expect(isAppResource("http://localhost:5173/src/main.tsx", DEV_URL)).toBe(true);
    expect(isAppResource("https://example.com/", DEV_URL)).toBe(false);
    expect(isAppResource("https://example.com/", APP_URL)).toBe(false);
  });
});

describe("content security policy", () => {
  it("is strict for the built app", () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(scriptSrc(CONTENT_SECURITY_POLICY)).toBe("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("base-uri 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("form-action 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy(undefined)).toBe(CONTENT_SECURITY_POLICY);
  });

  it("opens up only for the dev server and its websocket", () => {
    const dev = contentSecurityPolicy(DEV_URL);
    expect(dev).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
    expect(dev).not.toContain("unsafe-eval");
    expect(dev).toContain("object-src 'none'");
  });
});

describe("hardenWebContents", () => {
  it("prevents navigation and redirects away from the app page", () => {
    const { fire } = fakeContents();
    expect(fire("will-navigate", "https://evil.example/")).toBe(true);
    expect(fire("will-navigate", "file:///tmp/evil.html")).toBe(true);
    expect(fire("will-redirect", "https://evil.example/")).toBe(true);
    expect(fire("will-navigate", `${APP_URL}#/chats`)).toBe(false);
  });

  it("prevents webviews from attaching", () => {
    expect(fakeContents().fire("will-attach-webview")).toBe(true);
  });

  it("denies every new window and opens only http(s) links in the system browser", () => {
    const { open, shell } = fakeContents();
    expect(open("https://example.com/docs")).toEqual({ action: "deny" });
    expect(open("http://example.com/")).toEqual({ action: "deny" });
    expect(shell.openExternal.mock.calls).toEqual([["https://example.com/docs"], ["http://example.com/"]]);

    shell.openExternal.mockClear();
    for (const url of ["file:///etc/passwd", "javascript:alert(1)", "smb://host/share", APP_URL]) {
      expect(open(url)).toEqual({ action: "deny" });
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe("hardenSession", () => {
  type HeadersListener = (
    details: { url: string; responseHeaders?: Record<string, string[]> },
    callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
  ) => void;

  function fakeSession(devServerUrl?: string) {
    let requestHandler: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | undefined;
    let checkHandler: ((...args: unknown[]) => boolean) | undefined;
    let headersListener: HeadersListener | undefined;
    const session = {
      setPermissionRequestHandler: vi.fn((h: typeof requestHandler) => {
        requestHandler = h;
      }),
      setPermissionCheckHandler: vi.fn((h: typeof checkHandler) => {
        checkHandler = h;
      }),
      webRequest: {
        onHeadersReceived: vi.fn((l: HeadersListener) => {
          headersListener = l;
        }),
      },
    };
    // biome-ignore lint/suspicious/noExplicitAny: structural fake of Electron's Session
    hardenSession(session as any, devServerUrl ?? APP_URL, devServerUrl);
    const headersFor = (url: string, responseHeaders?: Record<string, string[]>) => {
      let result: { responseHeaders?: Record<string, string[]> } | undefined;
      headersListener?.({ url, responseHeaders }, (r) => {
        result = r;
      });
      return result;
    };
    return { requestHandler, checkHandler, headersFor };
  }

  it("denies every permission request and check", () => {
    const { requestHandler, checkHandler } = fakeSession();
    for (const permission of ["media", "geolocation", "notifications", "clipboard-read", "openExternal"]) {
      const callback = vi.fn();
      requestHandler?.({}, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(checkHandler?.({}, permission, "file://", {})).toBe(false);
    }
  });

  it("sets the strict CSP header on the app's pages, replacing any other", () => {
    const { headersFor } = fakeSession();
    const result = headersFor(APP_URL, { "content-security-policy": ["default-src *"], "X-Other": ["1"] });
    expect(result?.responseHeaders).toEqual({
      "Content-Security-Policy": [CONTENT_SECURITY_POLICY],
      "X-Other": ["1"],
    });
    const policy = result?.responseHeaders?.["Content-Security-Policy"]?.[0] ?? "";
    expect(scriptSrc(policy)).toBe("script-src 'self'");
  });

  it("uses the dev policy under the dev server and leaves foreign responses untouched", () => {
    const { headersFor } = fakeSession(DEV_URL);
    expect(headersFor(`${DEV_URL}index.html`)?.responseHeaders?.["Content-Security-Policy"]).toEqual([
      contentSecurityPolicy(DEV_URL),
    ]);
    expect(headersFor("https://example.com/")).toEqual({});
  });
});
