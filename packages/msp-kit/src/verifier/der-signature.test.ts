import { describe, expect, it } from "vitest";
import { derToP1363 } from "./der-signature.ts";

function integer(bytes: number[]): number[] {
  return [0x02, bytes.length, ...bytes];
}

function der(r: number[], s: number[]): Uint8Array {
  const body = [...integer(r), ...integer(s)];
  return new Uint8Array([0x30, body.length, ...body]);
}

const r32 = Array.from({ length: 32 }, (_, index) => index + 1);
const s32 = Array.from({ length: 32 }, (_, index) => 0x40 + index);

describe("derToP1363", () => {
  it("places 32-byte integers side by side", () => {
    expect([...derToP1363(der(r32, s32))]).toEqual([...r32, ...s32]);
  });

  it("drops the 0x00 that keeps a high bit positive", () => {
    const high = [0x80, ...r32.slice(1)];
    expect([...derToP1363(der([0, ...high], [0, 0xff, ...s32.slice(1)]))]).toEqual([...high, 0xff, ...s32.slice(1)]);
  });

  it("restores leading zero bytes of short integers", () => {
    expect([...derToP1363(der([0x12, 0x34], [0x7f]))]).toEqual([...Array(30).fill(0), 0x12, 0x34, ...Array(31).fill(0), 0x7f]);
  });

  it("accepts a redundant leading zero, which still names the same integer", () => {
    expect([...derToP1363(der([0, 0x12], s32))]).toEqual([...Array(31).fill(0), 0x12, ...s32]);
  });

  it.each([
    ["another outer tag", new Uint8Array([0x31, ...der(r32, s32).slice(1)])],
    ["a SEQUENCE length that disagrees with the size", new Uint8Array([0x30, 0x45, ...der(r32, s32).slice(2)])],
    ["bytes after the SEQUENCE", new Uint8Array([...der(r32, s32), 0])],
    ["a negative integer", der([0x80, ...r32.slice(1)], s32)],
    ["an integer longer than a P-256 scalar", der([1, ...r32], s32)],
    ["an empty integer", der([], s32)],
    ["a long-form length", new Uint8Array([0x30, 0x81, 0x44, ...der(r32, s32).slice(2)])],
    ["a missing s", new Uint8Array([0x30, 34, ...integer(r32)])],
    ["nothing", new Uint8Array()],
    ["a raw P1363 signature", new Uint8Array([...r32, ...s32])],
  ])("refuses %s", (_label, bytes) => {
    expect(() => derToP1363(bytes)).toThrow();
  });

  it.each([
    ["another outer tag", new Uint8Array([0x31, ...der(r32, s32).slice(1)]), "expected a DER SEQUENCE"],
    ["a SEQUENCE length that disagrees", new Uint8Array([0x30, 0x45, ...der(r32, s32).slice(2)]), "the DER SEQUENCE length does not match the signature's size"],
    ["a long-form length", new Uint8Array([0x30, 0x80]), "a DER length is missing or too long for a P-256 signature"],
    ["a length of 0x7f (the largest short form) that overruns", new Uint8Array([0x30, 0x03, 0x02, 0x7f, 0x01]), "r has an impossible length"],
    ["a missing length", new Uint8Array([0x30]), "a DER length is missing or too long for a P-256 signature"],
    ["an INTEGER tag missing", new Uint8Array([0x30, 0x02, 0x04, 0x00]), "expected a DER INTEGER for r"],
    ["an integer that runs past the end", new Uint8Array([0x30, 0x04, 0x02, 0x03, 0x01, 0x02]), "r has an impossible length"],
    ["an empty s", der(r32, []), "s has an impossible length"],
    ["a negative s", der(r32, [0x80]), "s is negative"],
    ["an s longer than a scalar", der(r32, [1, ...s32]), "s is longer than a P-256 scalar"],
    ["bytes after s inside the SEQUENCE", new Uint8Array([0x30, 2 + 32 + 2 + 32 + 1, ...integer(r32), ...integer(s32), 0]), "bytes follow s inside the DER SEQUENCE"],
  ])("says why it refuses %s", (_label, bytes, message) => {
    expect(() => derToP1363(bytes)).toThrow(new Error(message));
  });

  it("accepts an integer that ends exactly at the end of the signature", () => {
    expect([...derToP1363(der([0x01], [0x02]))]).toEqual([...Array(31).fill(0), 1, ...Array(31).fill(0), 2]);
  });

  it("keeps a single zero byte: the integer 0 is one byte long", () => {
    expect([...derToP1363(der([0x00], [0x00, 0x00]))]).toEqual(Array(64).fill(0));
  });

  it("round-trips WebCrypto's own signatures through DER", async () => {
    const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
    const data = new TextEncoder().encode("mapping");
    for (let i = 0; i < 50; i++) {
      const p1363 = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, data));
      const converted = derToP1363(der(minimalInteger(p1363.slice(0, 32)), minimalInteger(p1363.slice(32))));
      expect(converted).toEqual(p1363);
      expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, converted, data)).toBe(true);
    }
  });
});

function minimalInteger(bytes: Uint8Array): number[] {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = [...bytes.slice(start)];
  return value[0]! & 0x80 ? [0, ...value] : value;
}
