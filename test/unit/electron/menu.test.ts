import type { MenuItemConstructorOptions } from "electron";
import { describe, expect, it } from "vitest";
import { menuTemplate } from "../../../electron/hosts/electron/menu";

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

describe("application menu", () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
  ])("has no page reload (mac %s, dev %s), so Ctrl/Cmd+R stays Masque's", (isMac, isDev) => {
    const items = flatten(menuTemplate(isMac, isDev));
    expect(items.map((i) => i.role)).not.toContain("reload");
    expect(items.map((i) => i.role)).not.toContain("forceReload");
    expect(items.some((i) => /\+R$/i.test(String(i.accelerator ?? "")))).toBe(false);
    expect(items.map((i) => i.role)).toContain("editMenu");
  });

  it("offers the developer tools only in development", () => {
    expect(flatten(menuTemplate(false, true)).map((i) => i.role)).toContain("toggleDevTools");
    expect(flatten(menuTemplate(false, false)).map((i) => i.role)).not.toContain("toggleDevTools");
  });
});
