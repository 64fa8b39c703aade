import { describe, expect, it } from "vitest";
import { takeLoraFlags } from "../../../electron/hosts/cli/loraFlags";
import { loraContextOptions, parseLoraArgument } from "../../../electron/services/engine/lora";

describe("--lora FILE[:SCALE]", () => {
  it("reads the scale after the last colon, 1 by default", () => {
    expect(parseLoraArgument("a.gguf")).toEqual({ path: "a.gguf", scale: 1 });
    expect(parseLoraArgument("a.gguf:0.5")).toEqual({ path: "a.gguf", scale: 0.5 });
    expect(parseLoraArgument("a.gguf:-1")).toEqual({ path: "a.gguf", scale: -1 });
    expect(parseLoraArgument("C:\\models\\a.gguf")).toEqual({ path: "C:\\models\\a.gguf", scale: 1 });
    expect(parseLoraArgument("C:\\models\\a.gguf:2")).toEqual({ path: "C:\\models\\a.gguf", scale: 2 });
    expect(parseLoraArgument("dir:x/a.gguf")).toEqual({ path: "dir:x/a.gguf", scale: 1 });
    expect(parseLoraArgument("a.gguf:")).toEqual({ path: "a.gguf:", scale: 1 });
  });

  it("takes every --lora out of the arguments, in order", () => {
    expect(takeLoraFlags(["1", "hi", "--lora", "a.gguf:0.5", "--json", "--lora=b.gguf"])).toEqual({
      lora: [
        { path: "a.gguf", scale: 0.5 },
        { path: "b.gguf", scale: 1 },
      ],
      rest: ["1", "hi", "--json"],
    });
    expect(takeLoraFlags(["1", "hi"])).toEqual({ lora: undefined, rest: ["1", "hi"] });
    expect(() => takeLoraFlags(["--lora"])).toThrow(/--lora needs FILE\[:SCALE\]/);
    expect(() => takeLoraFlags(["--lora", "--json"])).toThrow(/--lora needs/);
  });

  it("gives llama.cpp's context the adapters in order, or nothing", () => {
    expect(loraContextOptions([])).toEqual({});
    expect(
      loraContextOptions([
        { path: "a", scale: 1 },
        { path: "b", scale: 0.25 },
      ]),
    ).toEqual({
      lora: {
        adapters: [
          { filePath: "a", scale: 1 },
          { filePath: "b", scale: 0.25 },
        ],
      },
    });
  });
});
