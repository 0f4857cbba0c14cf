import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export type GatewayRequest = { headers: IncomingMessage["headers"]; body: unknown };
type Responder = (request: GatewayRequest, index: number) => Promise<{ status: number; delayMs?: number }> | { status: number; delayMs?: number };

/**
 * A local HTTP server standing in for the SMS/voice gateway: it records every request and answers as the test
 * tells it to (an error status, a delay longer than the client's timeout, ...).
 */
export async function startFakeGateway(respond: Responder = () => ({ status: 202 })) {
  const requests: GatewayRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const request = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") };
      requests.push(request);
      const { status, delayMs } = await respond(request, requests.length - 1);
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (!res.destroyed) res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
