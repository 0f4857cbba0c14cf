import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.ts";
import { computeSelector, computeSelectors, newSalt } from "./selectors.ts";

const ZERO_SALT = "AAAAAAAAAAAAAAAAAAAAAA"; // 16 zero bytes
const COUNTING_SALT = "AAECAwQFBgcICQoLDA0ODw"; // bytes 0, 1, ..., 15

/** The reference encoding, through btoa, which Node and browsers share. */
function referenceBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/u, "");
}

describe("computeSelector", () => {
  // Expected values from node:crypto scryptSync(uri, salt bytes, 32, { N: 16384, r: 8, p: 1 }).
  it("matches the known answers of node:crypto's scrypt", async () => {
    expect(await computeSelector("tel:+14085551212", ZERO_SALT)).toBe("Z1GSTU-m-kaNzdGWGCFKQzlyUj9uz44RKu5h9rTUfTo");
    expect(await computeSelector("mailto:alice@example.com", COUNTING_SALT)).toBe(
      "GVE99hr4Yl55Sf9dQN2afabASJfh05WOr9iiEGOnFGc",
    );
  });

  it("depends on the salt, so one contact is unlinkable across entries", async () => {
    const [a, b] = await Promise.all([
      computeSelector("tel:+14085551212", ZERO_SALT),
      computeSelector("tel:+14085551212", COUNTING_SALT),
    ]);
    expect(a).not.toBe(b);
  });

  it("refuses a salt that is not base64url of exactly 16 bytes, before doing any work", async () => {
    for (const salt of ["", "AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAA", `${ZERO_SALT}==`, "AAAAAAAAAAAAAAAAAAAA+/"]) {
      await expect(computeSelector("tel:+14085551212", salt), salt).rejects.toThrow(/salt/u);
      await expect(computeSelectors(["tel:+14085551212"], salt), salt).rejects.toThrow(/salt/u);
    }
  });
});

describe("computeSelectors", () => {
  it("answers each distinct sender once, sorted, whatever the order and repetitions of the input", async () => {
    const alice = "mailto:alice@example.com";
    const phone = "tel:+14085551212";
    const progress: [number, number][] = [];
    const selectors = await computeSelectors([phone, alice, phone, alice], COUNTING_SALT, (done, total) =>
      progress.push([done, total]),
    );
    const expected = [await computeSelector(alice, COUNTING_SALT), await computeSelector(phone, COUNTING_SALT)].sort();
    expect(selectors).toEqual(expected);
    expect(selectors).toEqual([...selectors].sort());
    expect(await computeSelectors([alice, phone], COUNTING_SALT)).toEqual(selectors);
    expect(progress).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
  });

  it("answers nothing for nobody", async () => {
    const progress: [number, number][] = [];
    expect(await computeSelectors([], ZERO_SALT, (done, total) => progress.push([done, total]))).toEqual([]);
    expect(progress).toEqual([[0, 0]]);
  });
});

describe("newSalt", () => {
  it("is base64url of 16 random bytes, different every time", () => {
    const salts = Array.from({ length: 50 }, () => newSalt());
    for (const salt of salts) {
      expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/u);
      expect(decodeBase64url(salt)).toHaveLength(16);
    }
    expect(new Set(salts).size).toBe(salts.length);
  });
});

describe("base64url", () => {
  it("encodes as RFC 4648 base64url without padding, and decodes back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toBe(referenceBase64url(bytes));
        expect(decodeBase64url(text)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ["A", "an impossible length"],
    ["AAA=", "padding"],
    ["ab+/", "standard base64's characters"],
    ["AB", "stray bits in the last character"],
    ["AAAA AAAA", "a space"],
    ["AA\u00e9A", "a letter outside ASCII"],
  ])("refuses %j (%s)", (text) => {
    expect(() => decodeBase64url(text)).toThrow(/base64url/u);
  });
});
