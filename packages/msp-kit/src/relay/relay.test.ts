import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRelay } from "./create-relay.ts";

/** A stand-in gateway on loopback that records what reached it and answers like a gateway. */
let gateway: Server;
let gatewayUrl: URL;
const received: { headers: IncomingHttpHeaders; body: Buffer; url: string }[] = [];
let answer: (res: ServerResponse) => void = (res) => res.writeHead(200, { "content-type": "message/ohttp-res", "x-internal": "secret" }).end(Buffer.from([1, 2, 3]));

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

beforeAll(async () => {
  gateway = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks), url: req.url ?? "" });
      answer(res);
    });
  });
  gatewayUrl = new URL(`${await listen(gateway)}/api/v1/ohttp`);
});
afterAll(async () => {
  await close(gateway);
});

async function withRelay<T>(options: Partial<Parameters<typeof createRelay>[0]>, work: (url: string) => Promise<T>): Promise<T> {
  const relay = createRelay({ gateway: gatewayUrl, ...options });
  const url = await listen(relay);
  try {
    return await work(url);
  } finally {
    await close(relay);
  }
}

const post = (url: string, headers: Record<string, string> = {}, body: BodyInit = new Uint8Array([9, 9, 9])) =>
  fetch(url, { method: "POST", headers: { "content-type": "message/ohttp-req", ...headers }, body });

describe("the OHTTP relay", () => {
  it("forwards the body with no client header but the content type, and the answer with nothing of the gateway's but its type", async () => {
    await withRelay({}, async (relay) => {
      received.length = 0;
      const response = await post(`${relay}/`, { authorization: "Bearer secret", cookie: "a=b", "x-forwarded-for": "203.0.113.9", "user-agent": "client/1", forwarded: "for=x" });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
      expect(response.headers.get("x-internal")).toBeNull();
      expect(response.headers.get("content-type")).toBe("message/ohttp-res");
      const [forwarded] = received;
      expect(forwarded!.url).toBe("/api/v1/ohttp");
      expect(forwarded!.body).toEqual(Buffer.from([9, 9, 9]));
      const names = Object.keys(forwarded!.headers).filter((name) => !["host", "connection", "content-length", "accept", "accept-encoding", "accept-language", "sec-fetch-mode", "user-agent"].includes(name));
      expect(names).toEqual(["content-type"]);
      // Node's fetch sends its own user agent to the gateway, never the client's.
      expect(forwarded!.headers["user-agent"]).not.toBe("client/1");
      for (const value of Object.values(forwarded!.headers)) expect(String(value)).not.toMatch(/203\.0\.113\.9|secret|a=b|for=x/u);
    });
  });

  it("limits each client address on its own, with Retry-After", async () => {
    let clock = 0;
    await withRelay({ burst: 2, refillPerSecond: 1, now: () => clock }, async (relay) => {
      expect((await post(`${relay}/`)).status).toBe(200);
      expect((await post(`${relay}/`)).status).toBe(200);
      const limited = await post(`${relay}/`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("1");
      clock += 1000;
      expect((await post(`${relay}/`)).status).toBe(200);
    });
  });

  it("refuses what it does not forward: another path, an absolute URL, another method or type, an oversized body", async () => {
    await withRelay({ maxBodyBytes: 100 }, async (relay) => {
      received.length = 0;
      expect((await post(`${relay}/other`)).status).toBe(404);
      expect((await fetch(`${relay}/`)).status).toBe(405);
      expect((await post(`${relay}/`, { "content-type": "application/json" })).status).toBe(415);
      expect((await post(`${relay}/`, {}, new Uint8Array(101))).status).toBe(413);
      const { port } = new URL(relay);
      const absolute = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port: Number(port), method: "POST", path: "http://evil.example/collect", headers: { "content-type": "message/ohttp-req" } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end("x");
      });
      expect(absolute).toBe(404);
      expect(received).toEqual([]);
      const problem = (await (await post(`${relay}/other`)).json()) as { code: string; detail: string };
      expect(problem).toMatchObject({ code: "not_found" });
    });
  });

  it("answers CORS preflights for browser clients, and health checks", async () => {
    await withRelay({}, async (relay) => {
      const preflight = await fetch(`${relay}/`, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
      expect((await post(`${relay}/`)).headers.get("access-control-allow-origin")).toBe("*");
      expect((await fetch(`${relay}/healthz`)).status).toBe(200);
    });
  });

  it("passes the gateway's problems on, and says 502 when the gateway is down or answers something else", async () => {
    await withRelay({}, async (relay) => {
      answer = (res) => res.writeHead(400, { "content-type": "application/problem+json" }).end('{"code":"ohttp_key_unknown"}');
      const unknown = await post(`${relay}/`);
      expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([400, "ohttp_key_unknown"]);
      answer = (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>");
      expect((await post(`${relay}/`)).status).toBe(502);
    });
    answer = (res) => res.writeHead(200, { "content-type": "message/ohttp-res" }).end(Buffer.from([1, 2, 3]));
    await withRelay({ gateway: new URL("http://127.0.0.1:9/api/v1/ohttp"), timeoutMs: 1000 }, async (relay) => {
      expect((await post(`${relay}/`)).status).toBe(502);
    });
  });

  it("logs nothing per request", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
    try {
      await withRelay({}, async (relay) => {
        await post(`${relay}/`);
        await post(`${relay}/nope`);
      });
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
