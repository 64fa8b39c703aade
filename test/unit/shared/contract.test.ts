import { describe, expect, it } from "vitest";
import { EVENT_NAMES, MAX_MESSAGE_CHARS, METHODS, REQUEST_SCHEMAS } from "../../../shared/api/contract";
import { parseRequest } from "../../../shared/api/validate";
import { DEFAULT_SETTINGS, parseSettingValue, settingsSchema } from "../../../shared/domain/settings";
import { asMasqueError, ERROR_CODES, fromApiError, MasqueError, toApiError } from "../../../shared/errors";

describe("contract", () => {
  it("names methods domain.action and lists every event once", () => {
    for (const method of METHODS) expect(method).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
    expect(METHODS.length).toBe(Object.keys(REQUEST_SCHEMAS).length);
  });

  it("refuses bad input with INVALID_INPUT naming the field", () => {
    const attempt = (method: (typeof METHODS)[number], value: unknown) => {
      try {
        parseRequest(method, value);
      } catch (error) {
        return error as MasqueError;
      }
      throw new Error("expected a failure");
    };
    expect(attempt("chats.send", { chatId: 1, text: "   " }).message).toContain(
      "text: message must not be empty",
    );
    expect(attempt("chats.send", { chatId: 1, text: "x".repeat(MAX_MESSAGE_CHARS + 1) }).message).toContain(
      "longer than",
    );
    expect(attempt("chats.get", { chatId: -3 }).message).toContain("chatId");
    expect(attempt("characters.create", { name: "" }).code).toBe("INVALID_INPUT");
    expect(attempt("characters.get", { id: 1, extra: true }).message).toContain("extra");
  });

  it("accepts valid input and strips nothing it knows", () => {
    expect(parseRequest("chats.send", { chatId: 2, text: "hi", options: { seed: 4 } })).toEqual({
      chatId: 2,
      text: "hi",
      options: { seed: 4 },
    });
  });
});

describe("errors", () => {
  it("round-trips through the wire shape", () => {
    const error = new MasqueError("NOT_FOUND", "chat 42 does not exist", { chatId: 42 });
    const back = fromApiError(JSON.parse(JSON.stringify(toApiError(error))));
    expect(back).toBeInstanceOf(MasqueError);
    expect(back.code).toBe("NOT_FOUND");
    expect(back.details).toEqual({ chatId: 42 });
  });

  it("turns unknown throwables into INTERNAL and unknown codes into INTERNAL", () => {
    expect(toApiError(new TypeError("boom"))).toEqual({ code: "INTERNAL", message: "boom" });
    expect(fromApiError({ code: "NOPE" as never, message: "x" }).code).toBe("INTERNAL");
    expect(ERROR_CODES).toContain("MODEL_INVALID");
  });
});

describe("settings", () => {
  it("has defaults that satisfy the schema", () => {
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it("parses CLI values by the key's type", () => {
    expect(parseSettingValue("threads", "2")).toBe(2);
    expect(parseSettingValue("userName", "42")).toBe("42");
    expect(parseSettingValue("threads", "two")).toBe("two");
  });
});

describe("errors from the Electron bridge", () => {
  it("keeps the code of a plain error object (what contextBridge delivers)", () => {
    const plain = { name: "MasqueError", code: "BUSY", message: "busy", details: { chatId: 1 } };
    expect(toApiError(plain)).toEqual({ code: "BUSY", message: "busy", details: { chatId: 1 } });
    expect(asMasqueError(plain)).toMatchObject({ code: "BUSY", message: "busy" });
    expect(asMasqueError(new Error("x")).code).toBe("INTERNAL");
  });
});
