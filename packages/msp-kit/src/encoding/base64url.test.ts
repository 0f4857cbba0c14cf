import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64url, encodeBase64url, isBase64urlOfLength } from "./base64url.ts";

describe("base64url", () => {
  it("agrees with Node's encoder in both directions", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64url"));
        expect(decodeBase64url(text)).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it.each([
    ["padding", "AQI="],
    ["standard base64's + and /", "+/8"],
    ["an impossible length", "AQIDB"],
    ["stray bits in the last character", "AR"],
    ["whitespace", "AQ I"],
  ])("refuses %s", (_label, text) => {
    expect(() => decodeBase64url(text)).toThrow(/not base64url/u);
  });

  it("checks an exact decoded length", () => {
    expect(isBase64urlOfLength("AAECAwQFBgcICQoLDA0ODw", 16)).toBe(true);
    expect(isBase64urlOfLength("AAECAwQFBgcICQoLDA0ODw", 15)).toBe(false);
    expect(isBase64urlOfLength("AAECAwQFBgcICQoLDA0ODx", 16)).toBe(false);
  });
});
