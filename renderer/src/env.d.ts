/** The Electron preload exposes the typed bridge here; absent in browser mode. */
interface Window {
  api?: import("../../shared/api/bridge").MasqueApi;
}

/** Plain CSS files imported for their side effect; Vite bundles them. */
declare module "*.css";
