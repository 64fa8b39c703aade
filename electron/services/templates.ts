import type { TemplateInfo } from "../../shared/api/contract";
import { BUILT_IN_TEMPLATES } from "../../shared/prompt/template";

/** The template choices: automatic, the model's own, then every built-in one. */
export function listTemplates(): TemplateInfo[] {
  return [
    { id: "auto", label: "Automatic (the model's own template, else Pygmalion)" },
    { id: "model", label: "The model's own chat template" },
    ...BUILT_IN_TEMPLATES.map((t) => ({ id: t.id, label: t.label })),
  ];
}
