import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_BHTTP_LIMITS } from "./fields.ts";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from "./message.ts";
import { BhttpError, readVarint, writeVarint } from "./varint.ts";

const hex = (text: string) => Uint8Array.from(text.replace(/\s+/gu, "").match(/../gu)!.map((byte) => Number.parseInt(byte, 16)));
const text = (value: string) => new TextEncoder().encode(value);

describe("Binary HTTP (RFC 9292)", () => {
  it("reads the RFC's known-length request example (section 5.1)", () => {
    // GET https://www.example.com/hello.txt with three fields, empty content and trailers.
    const example = hex(`
      00034745 54056874 74707300 0a2f6865 6c6c6f2e 74787440 6c0a7573 65722d61
      67656e74 34637572 6c2f372e 31362e33 206c6962 6375726c 2f372e31 362e3320
      4f70656e 53534c2f 302e392e 376c207a 6c69622f 312e322e 3304686f 73740f77
      77772e65 78616d70 6c652e63 6f6d0f61 63636570 742d6c61 6e677561 67650665
      6e2c206d 690000`);
    expect(decodeRequest(example)).toEqual({
      method: "GET",
      scheme: "https",
      authority: "",
      path: "/hello.txt",
      headers: [
        ["user-agent", "curl/7.16.3 libcurl/7.16.3 OpenSSL/0.9.7l zlib/1.2.3"],
        ["host", "www.example.com"],
        ["accept-language", "en, mi"],
      ],
      content: new Uint8Array(0),
      trailers: [],
    });
  });

  it("round-trips requests with query strings, repeated headers, bodies and trailers, padded or not", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("GET", "POST", "PUT"),
        fc.stringMatching(/^\/[a-z0-9/]{0,20}(\?[a-z0-9=&%]{0,30})?$/u),
        fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/u), fc.stringMatching(/^[ -~]{0,40}$/u)), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(undefined, 64, 256),
        (method, path, headers, content, padTo) => {
          const request = { method, scheme: "https", authority: "dp.example:8443", path, headers, content, trailers: [["x-done", "1"]] as [string, string][] };
          const encoded = encodeRequest(request, padTo ? { padTo } : {});
          if (padTo) expect(encoded.length % padTo).toBe(0);
          expect(decodeRequest(encoded)).toEqual(request);
        },
      ),
    );
  });

  it("round-trips responses, and pads them", () => {
    const response = { informational: [{ status: 103, headers: [["link", "</a>"]] as [string, string][] }], status: 404, headers: [["content-type", "application/problem+json"]] as [string, string][], content: text('{"code":"not_found"}'), trailers: [] };
    const encoded = encodeResponse(response, { padTo: 512 });
    expect(encoded.length).toBe(512);
    expect(decodeResponse(encoded)).toEqual(response);
  });

  it("writes and reads every varint length, and reads non-minimal encodings", () => {
    for (const value of [0, 63, 64, 16383, 16384, 1073741823, 1073741824, 2 ** 40]) {
      const bytes = new Uint8Array(8);
      const end = writeVarint(bytes, 0, value);
      expect(readVarint(bytes.subarray(0, end), 0)).toEqual({ value, next: end });
    }
    expect(readVarint(hex("4025"), 0)).toEqual({ value: 37, next: 2 }); // RFC 9000 A.1: 37 in two bytes
    expect(readVarint(hex("9d7f3e7d"), 0)).toEqual({ value: 494878333, next: 4 });
  });

  it("refuses what it cannot read, naming why", () => {
    const good = encodeRequest({ method: "POST", path: "/x", headers: [["content-type", "application/json"]], content: text("{}") });
    const refusals: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /ends inside the framing/u],
      [hex("01"), /not a known-length request/u],
      [hex("02"), /indeterminate-length/u],
      [hex("00"), /ends before its method/u],
      [good.subarray(0, good.length - 3), /ends inside the content/u],
      [Uint8Array.of(...good, 0, 0, 7), /not zero padding/u],
      [encodeRequest({ method: "GET", path: "/", headers: [["x", "a".repeat(20_000)]] }), /longer than/u],
      [hex("000347455405687474707300022041"), /visible ASCII/u],
      [hex("0003474554056874747073000201ff"), /not UTF-8/u],
    ];
    for (const [bytes, message] of refusals) expect(() => decodeRequest(bytes), String(message)).toThrow(message);
    const many = encodeRequest({ method: "GET", path: "/", headers: Array.from({ length: 65 }, (_, index) => [`x-${index}`, "v"] as [string, string]) });
    expect(() => decodeRequest(many)).toThrow(/more than 64 fields/u);
    expect(() => decodeRequest(many, { ...DEFAULT_BHTTP_LIMITS, maxFields: 100 })).not.toThrow();
    expect(() => encodeRequest({ method: "GET", path: "/", headers: [["x", "a\r\nb"]] })).toThrow(BhttpError);
    expect(() => encodeRequest({ method: "GET", path: "/a b" })).toThrow(BhttpError);
    expect(() => decodeResponse(hex("0140"))).toThrow(/ends inside a status/u);
    expect(() => decodeResponse(hex("0109"))).toThrow(/not an HTTP status/u);
  });
});
