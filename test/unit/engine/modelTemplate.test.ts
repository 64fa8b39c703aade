import { describe, expect, it } from "vitest";
import { matchByMarkers } from "../../../electron/services/engine/modelTemplate";

describe("matching a GGUF chat template by its markers", () => {
  it.each([
    ["{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{% endfor %}", "chatml"],
    ["{{ bos_token }}<|start_header_id|>{{ role }}<|end_header_id|>\n\n{{ content }}<|eot_id|>", "llama3"],
    ["<start_of_turn>user\n{{ content }}<end_of_turn>", "gemma"],
    ["{{ bos_token }}[INST] {{ content }} [/INST]", "mistral"],
    ["<|system|>{{ sys }}<|user|>{{ u }}<|model|>", "metharme"],
    ["### Instruction:\n{{ u }}\n\n### Response:\n", "alpaca"],
    ["USER: {{ u }} ASSISTANT: {{ a }}</s>", "vicuna"],
  ])("%s -> %s", (jinja, id) => {
    expect(matchByMarkers(jinja)).toEqual({ templateId: id, via: "markers" });
  });

  it("falls back to ChatML and says so", () => {
    expect(matchByMarkers("{{ messages }}")).toEqual({ templateId: "chatml", via: "fallback" });
  });
});
