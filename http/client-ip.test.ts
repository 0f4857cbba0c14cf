import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, createTrustedProxyList, resolveClientIp } from "./client-ip";
import { createAppServer } from "./create-app-server";

const none = createTrustedProxyList([]);
const proxies = createTrustedProxyList(["10.0.0.0/8", "::1"]);

describe("resolveClientIp", () => {
  it("ignores X-Forwarded-For from a client that is not a trusted proxy", () => {
    expect(resolveClientIp("203.0.113.5", "198.51.100.1", none)).toBe("203.0.113.5");
    expect(resolveClientIp("::ffff:203.0.113.5", "198.51.100.1", proxies)).toBe("203.0.113.5");
  });

  it("reads the chain from the right behind trusted proxies, so a prepended spoof is skipped", () => {
    expect(resolveClientIp("10.1.2.3", "1.1.1.1, 198.51.100.9, 10.0.0.7", proxies)).toBe("198.51.100.9");
    expect(resolveClientIp("::1", "198.51.100.9", proxies)).toBe("198.51.100.9");
  });

  it("falls back to the peer when the forwarded chain is garbage or only proxies", () => {
    expect(resolveClientIp("10.1.2.3", "not-an-ip", proxies)).toBe("10.1.2.3");
    expect(resolveClientIp("10.1.2.3", "10.0.0.1", proxies)).toBe("10.1.2.3");
    expect(resolveClientIp("10.1.2.3", undefined, proxies)).toBe("10.1.2.3");
  });

  it("refuses a trusted-proxy entry that is not an address", () => {
    expect(() => createTrustedProxyList(["proxy.example"])).toThrow(/TRUSTED_PROXIES/);
  });
});

describe("createAppServer", () => {
  it("overwrites a client-supplied client-IP header and ignores a spoofed X-Forwarded-For", async () => {
    const server = createAppServer((req, res) => {
      res.end(String(req.headers[CLIENT_IP_HEADER]));
    }, { trustedProxies: none, requireHttps: false, publicOrigin: "http://localhost:3000" });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { port, host: "127.0.0.1", headers: { [CLIENT_IP_HEADER]: "6.6.6.6", "x-forwarded-for": "7.7.7.7" } },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(body).toBe("127.0.0.1");
  });

  it("replaces a client-set X-Forwarded-Host with the public origin's host, which server actions check Origin against", async () => {
    const server = createAppServer((req, res) => {
      res.end(String(req.headers["x-forwarded-host"]));
    }, { trustedProxies: createTrustedProxyList(["127.0.0.1"]), requireHttps: false, publicOrigin: "https://dp.example" });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const body = await fetch(`http://127.0.0.1:${port}/sign-in`, { headers: { "x-forwarded-host": "evil.example" } }).then((response) => response.text());
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(body).toBe("dp.example");
  });
});

describe("createAppServer in production", () => {
  async function call(trusted: string[], path: string, headers: Record<string, string>) {
    const server = createAppServer((_req, res) => {
      res.end("ok");
    }, { trustedProxies: createTrustedProxyList(trusted), requireHttps: true, publicOrigin: "https://dp.example" });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const result = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
      const req = request({ port, host: "127.0.0.1", path, headers }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, hsts: res.headers["strict-transport-security"] as string | undefined, body }));
      });
      req.on("error", reject);
      req.end();
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return result;
  }

  it("refuses the API over plain HTTP, even when the client claims https itself", async () => {
    const direct = await call([], "/api/v1/lookup", { "x-forwarded-proto": "https" });
    expect(direct.status).toBe(403);
    expect(JSON.parse(direct.body)).toMatchObject({ code: "https_required" });
    expect(direct.hsts).toContain("max-age=");
  });

  it("serves the API when a trusted proxy says it terminated TLS, and pages either way with HSTS", async () => {
    expect((await call(["127.0.0.1"], "/api/v1/lookup", { "x-forwarded-proto": "https" })).status).toBe(200);
    expect((await call(["127.0.0.1"], "/api/v1/lookup", { "x-forwarded-proto": "http" })).status).toBe(403);
    const page = await call([], "/", {});
    expect(page.status).toBe(200);
    expect(page.hsts).toContain("max-age=");
  });
});

describe("createAppServer's direct routes", () => {
  it("hands a POST body, headers and the client IP to the Fetch handler and writes its answer back", async () => {
    const seen: { body?: string; ip?: string | null; type?: string | null } = {};
    const server = createAppServer(
      (_req, res) => {
        res.end("next");
      },
      {
        trustedProxies: none,
        requireHttps: false,
        publicOrigin: "http://localhost:3000",
        directPost: new Map([
          [
            "/api/v1/lookup",
            async (request: Request) => {
              seen.body = await request.text();
              seen.ip = request.headers.get(CLIENT_IP_HEADER);
              seen.type = request.headers.get("content-type");
              return new Response('{"ok":true}', { status: 201, headers: { "content-type": "application/json", "ratelimit-remaining": "7" } });
            },
          ],
        ]),
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const post = (path: string, method = "POST") =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = request({ port, host: "127.0.0.1", path, method, headers: { "content-type": "application/json" } }, (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.end('{"csi":"bob@example.com"}');
      });
    const direct = await post("/api/v1/lookup");
    const other = await post("/api/v1/lookup", "PUT");
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(direct).toMatchObject({ status: 201, body: '{"ok":true}' });
    expect(direct.headers).toMatchObject({ "ratelimit-remaining": "7", "x-content-type-options": "nosniff" });
    expect(seen).toEqual({ body: '{"csi":"bob@example.com"}', ip: "127.0.0.1", type: "application/json" });
    expect(other.body).toBe("next");
  });
});
