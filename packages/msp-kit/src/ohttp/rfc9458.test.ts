import { describe, expect, it } from "vitest";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from "../bhttp/message.ts";
import { decapsulateRequest, encapsulateRequest, importGatewayKey, requestInfo } from "./encapsulation.ts";
import { decodeKeyConfig, decodeKeyConfigs, encodeKeyConfig, encodeKeyConfigs } from "./key-config.ts";
import { OhttpError } from "./ohttp-error.ts";
import { cipherSuite } from "./suites.ts";

// RFC 9458 Appendix A, every value as the RFC prints it.
const A = {
  skR: "3c168975674b2fa8e465970b79c8dcf09f1c741626480bd4c6162fc5b6a98e1a",
  keyConfig: "01002031e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e79815500080001000100010003",
  request: "00034745540568747470730b6578616d706c652e636f6d012f",
  skE: "bc51d5e930bda26589890ac7032f70ad12e4ecb37abb1b65b1256c9c48999c73",
  pkE: "4b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b472",
  info: "6d6573736167652f626874747020726571756573740001002000010001",
  encRequest:
    "010020000100014b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b4726374e469135906992e1268c594d2a10c695d858c40a026e7965e7d86b83dd440b2c0185204b4d63525",
  response: "0140c8",
  responseNonce: "c789e7151fcba46158ca84b04464910d",
  encResponse: "c789e7151fcba46158ca84b04464910d86f9013e404feea014e7be4a441f234f857fbd",
};

const hex = (text: string) => Uint8Array.from(text.match(/../gu)!.map((byte) => Number.parseInt(byte, 16)));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

describe("RFC 9458 Appendix A, byte for byte", () => {
  const config = decodeKeyConfig(hex(A.keyConfig));

  it("reads and writes the key configuration", () => {
    expect(config).toMatchObject({ keyId: 1, kemId: 0x20, algorithms: [{ kdfId: 1, aeadId: 1 }, { kdfId: 1, aeadId: 3 }] });
    expect(toHex(config.publicKey)).toBe("31e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e798155");
    expect(toHex(encodeKeyConfig(config))).toBe(A.keyConfig);
  });

  it("reads the example request as Binary HTTP: GET https://example.com/, truncated after its control data", () => {
    expect(decodeRequest(hex(A.request))).toEqual({ method: "GET", scheme: "https", authority: "example.com", path: "/", headers: [], content: new Uint8Array(0), trailers: [] });
    expect(decodeResponse(hex(A.response))).toMatchObject({ status: 200, headers: [], trailers: [] });
  });

  it("builds the request info and the encapsulated request, and the gateway opens it to the same bytes", async () => {
    expect(toHex(requestInfo({ keyId: 1, kemId: 0x20, kdfId: 1, aeadId: 1 }))).toBe(A.info);
    const suite = cipherSuite(0x20, { kdfId: 1, aeadId: 1 });
    const ephemeral = { privateKey: await suite.kem.deserializePrivateKey(hex(A.skE)), publicKey: await suite.kem.deserializePublicKey(hex(A.pkE)) };
    const client = await encapsulateRequest(config, hex(A.request), { ephemeral });
    expect(toHex(client.request)).toBe(A.encRequest);

    const gatewayKey = await importGatewayKey(config, hex(A.skR));
    const opened = await decapsulateRequest(hex(A.encRequest), (keyId) => (keyId === 1 ? gatewayKey : undefined));
    expect(toHex(opened.message)).toBe(A.request);
    expect(toHex(opened.enc)).toBe(A.pkE);

    const sealed = await opened.sealResponse(hex(A.response), { responseNonce: hex(A.responseNonce) });
    expect(toHex(sealed)).toBe(A.encResponse);
    expect(toHex(await client.openResponse(hex(A.encResponse)))).toBe(A.response);
  });
});

describe("Oblivious HTTP refusals", () => {
  const config = decodeKeyConfig(hex(A.keyConfig));
  const keys = async () => {
    const key = await importGatewayKey(config, hex(A.skR));
    return (keyId: number) => (keyId === 1 ? key : undefined);
  };
  const refusal = async (body: Uint8Array) => {
    try {
      await decapsulateRequest(body, await keys());
    } catch (error) {
      if (error instanceof OhttpError) return error.code;
      throw error;
    }
    return "accepted";
  };

  it("names what is wrong with a request it cannot open", async () => {
    const good = hex(A.encRequest);
    expect(await refusal(good.subarray(0, 5))).toBe("malformed");
    expect(await refusal(good.subarray(0, 30))).toBe("malformed");
    expect(await refusal(Uint8Array.of(9, ...good.subarray(1)))).toBe("unknown_key");
    expect(await refusal(Uint8Array.of(...good.subarray(0, 6), 2, ...good.subarray(7)))).toBe("unsupported_suite");
    const flipped = good.slice();
    flipped[flipped.length - 1]! ^= 1;
    expect(await refusal(flipped)).toBe("decrypt_failed");
    expect(await refusal(good.subarray(0, good.length - 1))).toBe("decrypt_failed");
    expect(await refusal(good)).toBe("accepted");
  });

  it("refuses a response that was not made for this request", async () => {
    const client = await encapsulateRequest(config, hex(A.request));
    await expect(client.openResponse(hex(A.encResponse))).rejects.toMatchObject({ code: "decrypt_failed" });
    await expect(client.openResponse(new Uint8Array(10))).rejects.toMatchObject({ code: "malformed" });
  });

  it("lists configurations in order and skips one whose KEM it does not know, by its length", () => {
    const second = { ...config, keyId: 2 };
    const list = encodeKeyConfigs([config, second]);
    const unknownKem = Uint8Array.of(0, 11, 7, 0x00, 0x99, 1, 2, 0, 4, 0, 1, 0, 1);
    const withUnknown = Uint8Array.of(...unknownKem, ...list);
    expect(decodeKeyConfigs(withUnknown).map((entry) => [entry.keyId, entry.algorithms])).toEqual([
      [1, [{ kdfId: 1, aeadId: 1 }]],
      [2, [{ kdfId: 1, aeadId: 1 }]],
    ]);
    expect(() => decodeKeyConfigs(list.subarray(0, list.length - 1))).toThrow(OhttpError);
  });

  it("round-trips a real request and response under a fresh key", async () => {
    const suite = cipherSuite(0x20, { kdfId: 1, aeadId: 1 });
    const pair = await suite.kem.generateKeyPair();
    const fresh = { keyId: 7, kemId: 0x20, publicKey: new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)), algorithms: [{ kdfId: 1, aeadId: 1 }] };
    const inner = encodeRequest({ method: "POST", scheme: "https", authority: "dp.example", path: "/api/v1/private/lookup?x=1", headers: [["content-type", "application/json"]], content: new TextEncoder().encode('{"csi":"tel:+14085551212"}') }, { padTo: 256 });
    const client = await encapsulateRequest(fresh, inner);
    const opened = await decapsulateRequest(client.request, (keyId) => (keyId === 7 ? { config: fresh, privateKey: pair.privateKey } : undefined));
    expect(decodeRequest(opened.message)).toMatchObject({ path: "/api/v1/private/lookup?x=1", authority: "dp.example" });
    const answer = encodeResponse({ status: 200, headers: [["content-type", "application/json"]], content: new TextEncoder().encode("{}") });
    expect(decodeResponse(await client.openResponse(await opened.sealResponse(answer)))).toMatchObject({ status: 200, headers: [["content-type", "application/json"]] });
  });
});
