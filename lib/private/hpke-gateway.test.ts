import { describe, expect, it } from "vitest";
import { decodeKeyConfig, encapsulateRequest, encodeRequest, OhttpError } from "@mimi-discovery/msp-kit";
import { importNodeGatewayKey, openRequest } from "./hpke-gateway";

// RFC 9458 Appendix A: the gateway's side, on node:crypto, to the same bytes as the kit's @hpke/core gateway.
const A = {
  skR: "3c168975674b2fa8e465970b79c8dcf09f1c741626480bd4c6162fc5b6a98e1a",
  keyConfig: "01002031e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e79815500080001000100010003",
  request: "00034745540568747470730b6578616d706c652e636f6d012f",
  encRequest:
    "010020000100014b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b4726374e469135906992e1268c594d2a10c695d858c40a026e7965e7d86b83dd440b2c0185204b4d63525",
  response: "0140c8",
  responseNonce: "c789e7151fcba46158ca84b04464910d",
  encResponse: "c789e7151fcba46158ca84b04464910d86f9013e404feea014e7be4a441f234f857fbd",
};
const hex = (value: string) => Buffer.from(value, "hex");

describe("the node:crypto gateway, against RFC 9458 Appendix A", () => {
  const key = importNodeGatewayKey(decodeKeyConfig(hex(A.keyConfig)), hex(A.skR));

  it("opens the example request and seals the example response byte for byte", () => {
    const opened = openRequest(hex(A.encRequest), key);
    expect(Buffer.from(opened.message).toString("hex")).toBe(A.request);
    expect(Buffer.from(opened.sealResponse(hex(A.response), { responseNonce: hex(A.responseNonce) })).toString("hex")).toBe(A.encResponse);
  });

  it("opens what the kit's client encapsulates, and the client opens its answer", async () => {
    const message = encodeRequest({ method: "POST", path: "/api/v1/private/lookup", headers: [["content-type", "application/json"]], content: new TextEncoder().encode('{"csi":"mailto:a@example.com"}') });
    const client = await encapsulateRequest(key.config, message);
    const opened = openRequest(client.request, key);
    expect(Buffer.from(opened.message)).toEqual(Buffer.from(message));
    expect(Buffer.from(await client.openResponse(opened.sealResponse(hex(A.response))))).toEqual(hex(A.response));
  });

  it("refuses what it cannot open, with the kit's codes", () => {
    const good = hex(A.encRequest);
    const code = (body: Uint8Array) => {
      try {
        openRequest(body, key);
        return "opened";
      } catch (error) {
        return error instanceof OhttpError ? error.code : String(error);
      }
    };
    expect(code(good.subarray(0, 3))).toBe("malformed");
    expect(code(Buffer.concat([Buffer.from([2]), good.subarray(1)]))).toBe("unknown_key");
    expect(code(Buffer.concat([good.subarray(0, 6), Buffer.from([3]), good.subarray(7)]))).toBe("unsupported_suite");
    expect(code(good.subarray(0, 40))).toBe("malformed");
    expect(code(Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 1])]))).toBe("decrypt_failed");
    // A small-order point as the key share (all-zero shared secret), RFC 9180 section 7.1.4.
    expect(code(Buffer.concat([good.subarray(0, 7), Buffer.alloc(32), good.subarray(39)]))).toBe("decrypt_failed");
    expect(code(good)).toBe("opened");
  });
});
