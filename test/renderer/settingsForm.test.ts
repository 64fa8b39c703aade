import { describe, expect, it } from "vitest";
import {
  changedOnly,
  GENERATION_FIELDS,
  SAMPLING_FIELDS,
  samplerValues,
  toDraft,
  toPatch,
  withSampler,
} from "../../renderer/src/features/settings/settingsForm";
import { DEFAULT_SETTINGS, SAMPLER_KEYS, settingsPatchSchema } from "../../shared/domain/settings";

describe("settings form", () => {
  it("has a field for every sampler value, within the schema's limits", () => {
    expect(SAMPLING_FIELDS.map((f) => f.key).sort()).toEqual([...SAMPLER_KEYS].sort());
    for (const field of [...GENERATION_FIELDS, ...SAMPLING_FIELDS]) {
      expect(field.min).toBeLessThanOrEqual(DEFAULT_SETTINGS[field.key]);
      expect(field.max).toBeGreaterThanOrEqual(DEFAULT_SETTINGS[field.key]);
      expect(settingsPatchSchema.safeParse({ [field.key]: field.min }).success).toBe(true);
      expect(settingsPatchSchema.safeParse({ [field.key]: field.max }).success).toBe(true);
    }
  });

  it("round-trips the settings through the draft into a valid patch", () => {
    const settings = { ...DEFAULT_SETTINGS, userPersona: "A knight", templateId: "chatml" };
    const parsed = toPatch(toDraft(settings));
    expect("patch" in parsed).toBe(true);
    if (!("patch" in parsed)) return;
    expect(settingsPatchSchema.safeParse(parsed.patch).success).toBe(true);
    expect(parsed.patch).toMatchObject({
      temperature: DEFAULT_SETTINGS.temperature,
      dryMultiplier: 0,
      userPersona: "A knight",
      templateId: "chatml",
      examplesMode: "push",
    });
  });

  it("reports a number that does not parse by its key, like the core", () => {
    const draft = { ...toDraft(DEFAULT_SETTINGS), xtcThreshold: "lots" };
    expect(toPatch(draft)).toEqual({
      error: { code: "INVALID_INPUT", message: "xtcThreshold: XTC threshold must be a number" },
    });
    expect("error" in samplerValues({ ...draft, xtcThreshold: "" })).toBe(true);
  });

  it("takes only sampler values for a preset, and refills them after one is applied", () => {
    const draft = { ...toDraft(DEFAULT_SETTINGS), temperature: "0.5", maxTokens: "999" };
    const parsed = samplerValues(draft);
    expect("values" in parsed && Object.keys(parsed.values).sort()).toEqual([...SAMPLER_KEYS].sort());
    expect("values" in parsed && parsed.values.temperature).toBe(0.5);
    const applied = withSampler(draft, { ...DEFAULT_SETTINGS, temperature: 1.3 });
    expect(applied.temperature).toBe("1.3");
    expect(applied.maxTokens).toBe("999");
  });

  it("sends only what changed, so an unchanged thread count does not reload the model", () => {
    const draft = { ...toDraft(DEFAULT_SETTINGS), temperature: "0.3", userName: "Sam" };
    const parsed = toPatch(draft);
    if (!("patch" in parsed)) throw new Error("the draft should parse");
    expect(changedOnly(parsed.patch, DEFAULT_SETTINGS)).toEqual({ temperature: 0.3, userName: "Sam" });
    expect(changedOnly(parsed.patch, null)).toBe(parsed.patch);
  });
});
