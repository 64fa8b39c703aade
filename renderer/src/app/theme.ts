import type { Settings } from "../../../shared/domain/settings";

/** Sets `data-theme` on <html>; the stylesheet maps "system" to prefers-color-scheme. */
export function applyTheme(theme: Settings["theme"]): void {
  document.documentElement.dataset.theme = theme;
}
