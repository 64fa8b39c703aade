import { describe, expect, it } from "vitest";
import { scanPersonalData } from "../../../shared/redaction/scan";

const found = (text: string) => scanPersonalData(text).map((s) => `${s.kind}:${s.text}`);

describe("scanPersonalData", () => {
  it.each([
    ["(555) 123-4567"],
    ["555-123-4567"],
    ["+1 555 123 4567"],
    ["1-800-555-0199"],
    ["+44 20 7946 0958"],
    ["+44 (0)20 7946 0958"],
    ["0044 20 7946 0958"],
    ["07700 900123"],
    ["020 7946 0958"],
    ["+33 6 12 34 56 78"],
    ["06 12 34 56 78"],
    ["06.12.34.56.78"],
    ["+49 30 12345678"],
    ["030 12345678"],
    ["030/12345678"],
    ["03-1234-5678"],
    ["090-1234-5678"],
    ["+81 90-1234-5678"],
    ["+91 98765 43210"],
    ["+14155552671"],
  ])("finds the phone number %s", (phone) => {
    expect(found(`Call ${phone}, thanks.`)).toEqual([`phone:${phone}`]);
  });

  it("takes any 7-15 digits for a phone right after a word like phone, call or tel, and only there", () => {
    expect(
      found("phone: 5551234567, call me on 13800138000, тел. 8 912 345 67 89, 電話 09012345678"),
    ).toEqual(["phone:5551234567", "phone:13800138000", "phone:8 912 345 67 89", "phone:09012345678"]);
    expect(found("order 5551234567, call me at 10:30, called 1234567 times, phone on 2023-05-01")).toEqual(
      [],
    );
  });

  it("finds e-mails, also with {{user}} in them and written out", () => {
    expect(
      found("ada.lovelace+rp@mail.example.co.uk; {{user}}.{{user}}@example.com; ADA@EXAMPLE.ORG"),
    ).toEqual([
      "email:ada.lovelace+rp@mail.example.co.uk",
      "email:{{user}}.{{user}}@example.com",
      "email:ADA@EXAMPLE.ORG",
    ]);
    expect(found("ada [at] example [dot] com or ada at example dot com")).toEqual([
      "email:ada [at] example [dot] com",
      "email:ada at example dot com",
    ]);
  });

  it("finds URLs with and without a scheme, without trailing punctuation", () => {
    expect(
      found(
        "See https://github.com/ada/repo). Or www.example.org, example.com/path, ada.dev and (https://x.io/a_(b)).",
      ),
    ).toEqual([
      "url:https://github.com/ada/repo",
      "url:www.example.org",
      "url:example.com/path",
      "url:ada.dev",
      "url:https://x.io/a_(b)",
    ]);
  });

  it("finds handles, IP addresses and street addresses", () => {
    expect(found("@ada_l, u/ada_lovelace, ada#1234")).toEqual([
      "handle:@ada_l",
      "handle:u/ada_lovelace",
      "handle:ada#1234",
    ]);
    expect(
      found("from 192.168.1.24 and fe80::1ff:fe23:4567:890a and 2001:db8:85a3:0:0:8a2e:370:7334"),
    ).toEqual(["ip:192.168.1.24", "ip:fe80::1ff:fe23:4567:890a", "ip:2001:db8:85a3:0:0:8a2e:370:7334"]);
    expect(
      found("221B Baker Street, 10 Downing St. Hauptstraße 5, Berliner Str. 12, 12 rue de la Paix"),
    ).toEqual([
      "address:221B Baker Street",
      "address:10 Downing St.",
      "address:Hauptstraße 5",
      "address:Berliner Str. 12",
      "address:12 rue de la Paix",
    ]);
  });

  it("flags a bare dotted quad as an IP, but not a version number", () => {
    expect(found("ping 1.2.3.4")).toEqual(["ip:1.2.3.4"]);
    expect(found("version 1.2.3.4, v1.2.3.4, build 10.0.19045.2965, v1.2.3, release 2.0.0.1")).toEqual([]);
  });

  it.each([
    "It costs $12.50 or €3,99.",
    "We meet at 10:30, or 9:45pm, on 2023-05-01 or 12.05.2023 or 01/05/2023.",
    "*smiles* and {{user}} nods at {{char}}.",
    "pi is 3.14159 and I have 1,000,000 gold, 1 000 000 in French.",
    "ISBN 978-3-16-148410-0, card 4111 1111 1111 1111, room 101, 50%, 10/10, 24/7.",
    "file.txt, node.js, README.md, index.html, e.g. this, i.e. that, Mr. Smith, St. John's wort.",
    "go.to bed, do.it now, @ the café, @everyone, @10, #1 fan, +1 for that, score 100-98.",
    "In 1999-2004 there were 4 Big Ways and 3 times 10:30:45 std::vector a::b.",
    "Chapter 3.2.1, x86_64, HP 120/120, 1/2 cup, -10 HP, 2x2.",
  ])("leaves ordinary text alone: %s", (text) => {
    expect(found(text)).toEqual([]);
  });

  it("returns non-overlapping spans in text order", () => {
    const spans = scanPersonalData("mailto ada@example.com then https://example.com/x");
    expect(spans.map((s) => s.kind)).toEqual(["email", "url"]);
    expect(spans[0]).toMatchObject({ start: 7, end: 22 });
  });
});
