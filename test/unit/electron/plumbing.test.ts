/** The shared plumbing every host uses: the envelope unwrap, the event fan-out, HTTP statuses. */
import { describe, expect, it, vi } from "vitest";
import { httpStatusFor } from "../../../electron/hosts/web/httpStatus";
import { unwrapEnvelope } from "../../../shared/api/envelope";
import { createFanOut } from "../../../shared/api/fanOut";
import { ERROR_CODES, MasqueError } from "../../../shared/errors";

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("unwrapEnvelope", () => {
  it("returns the value of {ok: true}, even when the value is null or undefined", () => {
    expect(unwrapEnvelope({ ok: true, value: { id: 3 } }, "characters.get")).toEqual({ id: 3 });
    expect(unwrapEnvelope({ ok: true, value: null }, "characters.avatar")).toBeNull();
    expect(unwrapEnvelope({ ok: true, value: undefined }, "x")).toBeUndefined();
  });

  it("throws the error of {ok: false} as a MasqueError keeping code, message and details", () => {
    const error = thrown(() =>
      unwrapEnvelope(
        { ok: false, error: { code: "NOT_FOUND", message: "no chat 9", details: { id: 9 } } },
        "x",
      ),
    );
    expect(error).toBeInstanceOf(MasqueError);
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "no chat 9", details: { id: 9 } });
  });

  it("maps an unknown error code to INTERNAL", () => {
    expect(
      thrown(() => unwrapEnvelope({ ok: false, error: { code: "EVIL", message: "m" } }, "x")),
    ).toMatchObject({ code: "INTERNAL", message: "m" });
  });

  it.each([
    ["a string", "surprise"],
    ["null", null],
    ["ok without value", { ok: true }],
    ["ok false without error", { ok: false }],
    ["an error without a message", { ok: false, error: { code: "NOT_FOUND" } }],
    ["an error that is a string", { ok: false, error: "boom" }],
    ["details that are not an object", { ok: false, error: { code: "BUSY", message: "m", details: 3 } }],
  ])("refuses %s as a malformed reply naming the call", (_label, reply) => {
    const error = thrown(() => unwrapEnvelope(reply, "chats.send"));
    expect(error).toBeInstanceOf(MasqueError);
    expect(error).toMatchObject({ code: "INTERNAL" });
    expect((error as Error).message).toContain("chats.send");
  });
});

type TestEvents = { a: { n: number }; b: string };

describe("createFanOut", () => {
  it("delivers each event to its own handlers and to catch-all listeners, in order", () => {
    const events = createFanOut<TestEvents>();
    const got: string[] = [];
    events.on("a", (p) => got.push(`a:${p.n}`));
    events.on("b", (p) => got.push(`b:${p}`));
    events.onAny((name, payload) => got.push(`any:${name}:${JSON.stringify(payload)}`));
    events.emit("a", { n: 1 });
    events.emit("b", "x");
    expect(got).toEqual(["a:1", 'any:a:{"n":1}', "b:x", 'any:b:"x"']);
  });

  it("counts subscriptions; unsubscribing twice removes only its own subscription", () => {
    const events = createFanOut<TestEvents>();
    const handler = vi.fn();
    const first = events.on("a", handler);
    const second = events.on("a", handler);
    expect(events.size).toBe(2);
    events.emit("a", { n: 1 });
    expect(handler).toHaveBeenCalledTimes(2);
    first();
    first();
    expect(events.size).toBe(1);
    expect(events.has("a")).toBe(true);
    events.emit("a", { n: 2 });
    expect(handler).toHaveBeenCalledTimes(3);
    second();
    expect(events.size).toBe(0);
    expect(events.has("a")).toBe(false);
  });

  it("keeps delivering when a handler throws, and reports the failure", () => {
    const failures: [string, unknown][] = [];
    const events = createFanOut<TestEvents>((name, error) => failures.push([name, error]));
    const after = vi.fn();
    events.on("b", () => {
      throw new Error("bad handler");
    });
    events.on("b", after);
    events.emit("b", "x");
    expect(after).toHaveBeenCalledWith("x");
    expect(failures).toHaveLength(1);
    expect(failures[0]?.[0]).toBe("b");
  });

  it("stops delivering to a handler removed by an earlier handler of the same event", () => {
    const events = createFanOut<TestEvents>();
    const late = vi.fn();
    let offLate = () => {};
    events.on("a", () => offLate());
    offLate = events.on("a", late);
    events.emit("a", { n: 1 });
    expect(late).not.toHaveBeenCalled();
  });
});

describe("httpStatusFor", () => {
  it("gives every error code a 4xx or 5xx status", () => {
    for (const code of ERROR_CODES) {
      const status = httpStatusFor(code);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it("maps the storage codes to server-side statuses and bad input to 400", () => {
    expect(httpStatusFor("INVALID_INPUT")).toBe(400);
    expect(httpStatusFor("NOT_FOUND")).toBe(404);
    expect(httpStatusFor("STORAGE_FULL")).toBe(507);
    expect(httpStatusFor("STORAGE_READ_ONLY")).toBe(503);
    expect(httpStatusFor("INTERNAL")).toBe(500);
  });

  it("throws for a code outside the contract instead of guessing", () => {
    expect(() => httpStatusFor("NOT_A_CODE" as never)).toThrow(/unhandled error code NOT_A_CODE/);
  });
});
