/** Pure helpers for how adapters show in the UI (kept free of the bridge so tests can import them). */

/** A typed scale, or null while it is not a number the core accepts (−10…10). */
export function parseScale(text: string): number | null {
  if (text.trim() === "") return null;
  const scale = Number(text);
  return Number.isFinite(scale) && scale >= -10 && scale <= 10 ? scale : null;
}

/** " + 2 adapters": the LoRA set the active chat's next reply uses, on the model pill. */
export function adaptersLabel(count: number): string {
  if (count === 0) return "";
  return ` + ${count} ${count === 1 ? "adapter" : "adapters"}`;
}
