import { generateKeyPairSync } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { decapsulateRequest, importGatewayKey, KEM_X25519_HKDF_SHA256, OhttpError } from "@mimi-discovery/msp-kit";

/** Another DP's gateway: a real OHTTP gateway with its own key, which cannot open requests made for this DP. */
export async function startForeignGateway(keyId: number) {
  const { privateKey, publicKey } = generateKeyPairSync("x25519");
  const config = { keyId, kemId: KEM_X25519_HKDF_SHA256, publicKey: Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url"), algorithms: [{ kdfId: 1, aeadId: 1 }] };
  const key = await importGatewayKey(config, Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url"));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      decapsulateRequest(Buffer.concat(chunks), (id) => (id === keyId ? key : undefined)).then(
        () => res.writeHead(500).end(),
        (error: unknown) => {
          const code = error instanceof OhttpError && error.code === "unknown_key" ? "ohttp_key_unknown" : "invalid_encapsulation";
          res.writeHead(400, { "content-type": "application/problem+json" }).end(JSON.stringify({ status: 400, code, detail: (error as Error).message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ohttp`), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A POST whose request line names an absolute URL, as a client asking the relay to forward elsewhere would send. */
export function absoluteFormPost(relay: string, target: string): Promise<{ status: number }> {
  const { port } = new URL(relay);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: Number(port), method: "POST", path: target, headers: { "content-type": "message/ohttp-req" } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on("error", reject);
    req.end("x");
  });
}
