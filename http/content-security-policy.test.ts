import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createTrustedProxyList } from "./client-ip";
import { pageContentSecurityPolicy } from "./content-security-policy";
import { createAppServer } from "./create-app-server";

describe("the pages' Content-Security-Policy", () => {
  it("in production: scripts by nonce only, no eval, no inline style, no framing, forms to this origin only", () => {
    const policy = pageContentSecurityPolicy("bm9uY2Vub25jZW5vbmNl", { development: false, https: true });
    expect(policy).toContain("script-src 'self' 'nonce-bm9uY2Vub25jZW5vbmNl' 'strict-dynamic'");
    expect(policy).toContain("style-src 'self' 'nonce-bm9uY2Vub25jZW5vbmNl'");
    expect(policy).not.toMatch(/unsafe-eval|unsafe-inline/u);
    for (const directive of ["frame-ancestors 'none'", "form-action 'self'", "object-src 'none'", "base-uri 'none'", "upgrade-insecure-requests"]) {
      expect(policy).toContain(directive);
    }
  });

  it("in Next's dev mode only, eval and inline styles for hot reloading", () => {
    const policy = pageContentSecurityPolicy("bm9uY2Vub25jZW5vbmNl", { development: true, https: false });
    expect(policy).toContain("'unsafe-eval'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).not.toContain("upgrade-insecure-requests");
  });

  it("gives Next the nonce in the request's own header, and the browser the same policy, fresh for every page answer", async () => {
    const seen: string[] = [];
    const server = createAppServer((req, res) => {
      seen.push(String(req.headers["content-security-policy"]));
      res.end();
    }, { trustedProxies: createTrustedProxyList([]), requireHttps: false, publicOrigin: "http://localhost:3000" });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const first = await fetch(`http://127.0.0.1:${port}/account`, { headers: { "content-security-policy": "script-src *" } });
    const second = await fetch(`http://127.0.0.1:${port}/account`);
    const api = await fetch(`http://127.0.0.1:${port}/api/health`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(first.headers.get("content-security-policy")).toBe(seen[0]);
    expect(second.headers.get("content-security-policy")).toBe(seen[1]);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]).not.toContain("script-src *");
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
