import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CanonicalizationError, canonicalize } from "./canonicalize.ts";

function doubleFromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function holey(): unknown[] {
  const array: unknown[] = [1];
  array[2] = 3;
  return array;
}

function hexBytes(text: string): string {
  return [...new TextEncoder().encode(text)].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
}

describe("canonicalize: RFC 8785 samples", () => {
  // Section 3.2.2 input, as JSON text so that its escapes and number spellings go through a real parser.
  const sampleText = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;

  it("serialises the section 3.2.2 sample as the RFC prints it", () => {
    expect(canonicalize(JSON.parse(sampleText))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it("produces the section 3.2.4 UTF-8 bytes", () => {
    const expected = `
      7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
      75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
      5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
      65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
      5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
      30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;
    expect(hexBytes(canonicalize(JSON.parse(sampleText)))).toBe(expected.trim().split(/\s+/u).join(" "));
  });

  it("sorts the section 3.2.3 names by UTF-16 code units", () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // Appendix B, every finite row: IEEE 754 bit pattern, then the canonical text.
  it.each([
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ])("Appendix B: 0x%s is %s", (bits, expected) => {
    expect(canonicalize(doubleFromBits(bits))).toBe(expected);
  });

  it.each([
    ["7fffffffffffffff", "NaN"],
    ["7ff0000000000000", "Infinity"],
  ])("Appendix B: 0x%s (%s) is refused", (bits) => {
    expect(() => canonicalize(doubleFromBits(bits))).toThrow(CanonicalizationError);
  });

  it.each([
    ["1e21", "1e+21"],
    ["0.000001", "0.000001"],
    ["1e-7", "1e-7"],
    ["-0", "0"],
    ["333333333.33333329", "333333333.3333333"],
    ["9007199254740992", "9007199254740992"],
    ["295147905179352830000", "295147905179352830000"],
    ["4.50", "4.5"],
    ["2e-3", "0.002"],
    ["0.000000000000000000000000001", "1e-27"],
    ["1E30", "1e+30"],
    ["100", "100"],
    ["-1.5e-9", "-1.5e-9"],
  ])("parses %s and serialises it as %s", (text, expected) => {
    expect(canonicalize(JSON.parse(text))).toBe(expected);
  });
});

describe("canonicalize: strings", () => {
  it("uses the short escapes, lower-case \\u00xx for other controls, and nothing else", () => {
    const controls = String.fromCharCode(...Array.from({ length: 0x20 }, (_, code) => code));
    expect(canonicalize(controls)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
    expect(canonicalize('"\\/\u007f\u2028\u2029é😀')).toBe('"\\"\\\\/\u007f\u2028\u2029é😀"');
  });

  it.each([
    ["a lone high surrogate", "\ud83d"],
    ["a lone low surrogate", "x\ude00"],
    ["reversed halves", "\ude00\ud83d"],
  ])("refuses %s, in values and in names", (_label, text) => {
    expect(() => canonicalize(text)).toThrow(/unpaired surrogate/u);
    expect(() => canonicalize({ [text]: 1 })).toThrow(/unpaired surrogate/u);
  });
});

describe("canonicalize: structure", () => {
  it("sorts nested objects, keeps array order and writes no whitespace", () => {
    expect(canonicalize({ b: [3, { z: 1, a: [] }, "x"], a: { d: null, c: {} }, "": true })).toBe(
      '{"":true,"a":{"c":{},"d":null},"b":[3,{"a":[],"z":1},"x"]}',
    );
  });

  it("accepts objects without a prototype", () => {
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    expect(canonicalize(bare)).toBe('{"a":2,"b":1}');
  });

  it.each([
    ["undefined", undefined, /undefined/u],
    ["undefined inside an object", { a: undefined }, /\$\.a is undefined/u],
    ["a hole in an array", holey(), /\$\[1\] is undefined/u],
    ["a function", { f: () => 1 }, /function/u],
    ["a bigint", 1n, /bigint/u],
    ["a symbol", Symbol("s"), /symbol/u],
    ["NaN", { n: Number.NaN }, /finite/u],
    ["-Infinity", [Number.NEGATIVE_INFINITY], /finite/u],
    ["a Date", new Date(0), /plain object/u],
    ["a Map", new Map(), /plain object/u],
  ])("refuses %s", (_label, value, message) => {
    expect(() => canonicalize(value)).toThrow(message);
  });

  it("refuses a cycle instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => canonicalize(cyclic)).toThrow(/refers back to itself/u);
  });

  it("allows the same object twice when it is not its own ancestor", () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });
});

describe("canonicalize: properties", () => {
  // Only finite numbers, plain objects and well-formed strings: the JSON values I-JSON allows.
  const json = fc.jsonValue({ stringUnit: "binary" }).filter((value) => {
    try {
      canonicalize(value);
      return true;
    } catch {
      return false;
    }
  });

  it("is a fixed point: parsing the output and canonicalizing again gives the same text", () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalize(value);
        expect(canonicalize(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it("does not depend on the order in which members were inserted", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: "grapheme" }), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(record));
      }),
    );
  });

  it("reads back as the same value JSON.parse gives for JSON.stringify", () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(JSON.parse(canonicalize(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
