import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { GET as jwks } from "@/app/.well-known/jwks.json/route";
import { GET as metadata } from "@/app/.well-known/mimi-discovery/route";
import { POST as lookupBatch } from "@/app/api/v1/lookup/batch/route";
import { POST as lookupOne } from "@/app/api/v1/lookup/route";
import { POST as tokenRequest } from "@/app/api/v1/privacy-pass/token-request/route";
import { GET as ohttpKeys } from "@/app/.well-known/ohttp-gateway/route";
import { GET as issuerDirectory } from "@/app/.well-known/private-token-issuer-directory/route";
import { GET as mimiDirectory } from "@/app/.well-known/mimi-directory/route";
import { ohttpGateway } from "@/http/ohttp-gateway";
import { createTrustedProxyList } from "@/http/client-ip";
import { createAppServer } from "@/http/create-app-server";
import type { MetricsAccess } from "@/http/metrics-endpoint";
import { serveWebHandler } from "@/http/serve-web-handler";
import { healthRoutes, type Phase } from "@/http/health";
import { getDb } from "@/db/index";
import { sql } from "drizzle-orm";

/** A port nobody listens on now, so that a harness can be configured with its origin before the server starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The DP's machine-facing doors on a real HTTP server, without Next: the custom server's wrapper, the routes it
 * serves directly (lookups, the OHTTP gateway, token issuance), and the public documents, each the handler the app runs.
 */
export async function startApiServer(options: {
  port: number;
  origin: string;
  metrics?: MetricsAccess;
  trustedProxies?: string[];
  routes?: Map<string, (request: Request) => Promise<Response>>;
  /** Serves /api/health/live and /ready too, with this phase (and the database as the dependency). */
  phase?: () => Phase;
}) {
  const gets = new Map([
    ["/.well-known/mimi-discovery", () => Promise.resolve(metadata())],
    ["/.well-known/jwks.json", () => jwks()],
    ["/.well-known/ohttp-gateway", () => ohttpKeys()],
    ["/.well-known/private-token-issuer-directory", () => issuerDirectory()],
    ["/.well-known/mimi-directory", () => mimiDirectory()],
  ]);
  const server = createAppServer(
    (req, res) => {
      const get = req.method === "GET" ? gets.get((req.url ?? "").split("?")[0] ?? "") : undefined;
      if (!get) {
        res.writeHead(404).end();
        return;
      }
      void serveWebHandler(req, res, get, options.origin);
    },
    {
      trustedProxies: createTrustedProxyList(options.trustedProxies ?? []),
      requireHttps: false,
      publicOrigin: options.origin,
      ...(options.phase ? { directGet: healthRoutes({ origin: options.origin, phase: options.phase, dependencies: () => [{ name: "database", check: () => getDb().execute(sql`select 1`) }], timeoutMs: 1_000 }) } : {}),
      directPost: new Map([
        ["/api/v1/lookup", lookupOne],
        ["/api/v1/lookup/batch", lookupBatch],
        ["/api/v1/ohttp", ohttpGateway],
        ["/api/v1/privacy-pass/token-request", tokenRequest],
        ...(options.routes ?? []),
      ]),
      metrics: options.metrics,
    },
  );
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
