import type { MenuItemConstructorOptions } from "electron";

/**
 * The application menu. Electron's default menu binds Ctrl/Cmd+R to reloading the page, which in a
 * chat app throws away what the user was typing and collides with Masque's own "regenerate"
 * shortcut; this menu has no reload and keeps the developer tools for development builds only.
 */
export function menuTemplate(isMac: boolean, isDev: boolean): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: "resetZoom" },
    { role: "zoomIn" },
    { role: "zoomOut" },
    { type: "separator" },
    { role: "togglefullscreen" },
    ...(isDev ? [{ type: "separator" } as const, { role: "toggleDevTools" } as const] : []),
  ];
  return [
    ...(isMac
      ? [{ role: "appMenu" } as const]
      : [{ label: "File", submenu: [{ role: "quit" }] } as MenuItemConstructorOptions]),
    { role: "editMenu" },
    { label: "View", submenu: view },
    { role: "windowMenu" },
  ];
}
