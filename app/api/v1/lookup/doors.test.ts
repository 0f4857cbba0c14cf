import { request as httpRequest } from "node:http";
import { BlockList, type AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServer } from "@/http/create-app-server";
import { createAppHarness } from "@/test/support/app-harness";
import { POST as batchLookup } from "./batch/route";
import { POST as lookup } from "./route";

// One handler, two doors: Next's (the route's Fetch POST) and the custom server's (node:http, no Fetch objects).
let app: Awaited<ReturnType<typeof createAppHarness>>;
let server: Server;
let port: number;
let key: string;

beforeAll(async () => {
  app = await createAppHarness();
  key = await app.mspKey("doors.example", { burst: 1_000, refill: 0.001 });
  await app.publishFor("door@example.com");
  server = createAppServer(() => {}, {
    trustedProxies: new BlockList(),
    requireHttps: false,
    publicOrigin: app.origin,
    nodePost: new Map([
      ["/api/v1/lookup", lookup.node],
      ["/api/v1/lookup/batch", batchLookup.node],
    ]),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await app?.close();
});

type Answer = { status: number; body: string; headers: Record<string, string | undefined> };

/** The same request through the custom server's node:http door; `chunks` sends the body without a length. */
function throughNode(path: string, options: { headers: Record<string, string>; body: string; chunked?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers as Record<string, string | undefined> }));
    });
    req.on("error", reject);
    if (options.chunked) {
      // Written in pieces, so that no Content-Length says how much will come.
      for (let offset = 0; offset < options.body.length; offset += 1024) req.write(options.body.slice(offset, offset + 1024));
      req.end();
    } else req.end(options.body);
  });
}

async function throughFetch(handler: (request: Request) => Promise<Response>, url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const response = await handler(new Request(url, { method: "POST", headers, body }));
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => (out[name] = value));
  return { status: response.status, body: await response.text(), headers: out };
}

describe("the lookup routes through either door", () => {
  it("answer the same status, bytes and headers to the same requests", async () => {
    const json = { "content-type": "application/json" };
    const cases: { path: string; headers: Record<string, string>; body: string }[] = [
      { path: "/api/v1/lookup", headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify({ csi: "door@example.com" }) },
      { path: "/api/v1/lookup", headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify({ csi: "nobody@example.com" }) },
      { path: "/api/v1/lookup", headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify({ csi: "a@b.com@c.com" }) },
      { path: "/api/v1/lookup", headers: { ...json, authorization: `Bearer ${key}` }, body: "{not json" },
      { path: "/api/v1/lookup", headers: { "content-type": "text/plain", authorization: `Bearer ${key}` }, body: "{}" },
      { path: "/api/v1/lookup", headers: json, body: JSON.stringify({ csi: "door@example.com" }) },
      { path: "/api/v1/lookup", headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify({ csi: "x".repeat(5000) }) },
      { path: "/api/v1/lookup/batch", headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify({ csis: ["door@example.com", 42, "nobody@example.com"] }) },
    ];
    for (const { path, headers, body } of cases) {
      const viaNode = await throughNode(path, { headers, body });
      const viaFetch = await throughFetch(path.endsWith("batch") ? batchLookup : lookup, `${app.origin}${path}`, headers, body);
      expect(viaNode.status, `${path} ${body.slice(0, 40)}`).toBe(viaFetch.status);
      expect(viaNode.body).toBe(viaFetch.body);
      for (const name of ["content-type", "cache-control", "www-authenticate", "ratelimit-limit", "ratelimit-policy"]) {
        expect(viaNode.headers[name], name).toBe(viaFetch.headers[name]);
      }
      // Each lookup took a token; the remaining count is the bucket's, one apart between the two doors.
      if (viaFetch.headers["ratelimit-remaining"]) expect(Number(viaNode.headers["ratelimit-remaining"]) - Number(viaFetch.headers["ratelimit-remaining"])).toBeGreaterThan(0);
    }
  });

  it("refuse a body that grows past the limit without a Content-Length, and close that connection", async () => {
    const answer = await throughNode("/api/v1/lookup", {
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ csi: "y".repeat(20_000) }),
      chunked: true,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "payload_too_large" });
    expect(answer.headers.connection).toBe("close");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  });
});
