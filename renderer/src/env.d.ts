/**
 * The Electron preload exposes the typed bridge here; absent in browser mode. `pathForFile` is
 * Electron's `webUtils.getPathForFile` (a dropped or picked file's path on disk, "" if it has none).
 */
interface Window {
  api?: import("../../shared/api/bridge").MasqueApi & { pathForFile?: (file: File) => string };
}

/** Plain CSS files imported for their side effect; Vite bundles them. */
declare module "*.css";
