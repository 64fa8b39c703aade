import { describe, expect, it } from "vitest";
import { StopMatcher } from "../../../electron/services/engine/stopMatcher";

function run(stops: string[], chunks: string[]) {
  const matcher = new StopMatcher(stops);
  let shown = "";
  let stopped = false;
  for (const chunk of chunks) {
    const r = matcher.push(chunk);
    shown += r.emit;
    if (r.stopped) {
      stopped = true;
      break;
    }
  }
  if (!stopped) shown += matcher.flush();
  return { shown, stopped };
}

describe("StopMatcher", () => {
  it.each([
    { stops: ["\nSam:"], chunks: ["Hello", " there", "\nSa", "m: hi"], shown: "Hello there", stopped: true },
    { stops: ["\nSam:"], chunks: ["Hello", "\nSa", "lly"], shown: "Hello\nSally", stopped: false },
    { stops: ["\nSam:", "<START>"], chunks: ["a<STA", "RT>b"], shown: "a", stopped: true },
    { stops: ["END"], chunks: ["no stop here"], shown: "no stop here", stopped: false },
    { stops: ["\nYou:"], chunks: ["line\n", "You:"], shown: "line", stopped: true },
  ])("$chunks with $stops", ({ stops, chunks, shown, stopped }) => {
    expect(run(stops, chunks)).toEqual({ shown, stopped });
  });

  it("holds back a possible stop string until it is decided", () => {
    const matcher = new StopMatcher(["\nSam:"]);
    expect(matcher.push("Hi\nSa").emit).toBe("Hi");
    expect(matcher.push("ndra").emit).toBe("\nSandra");
  });
});
