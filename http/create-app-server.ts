import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { CLIENT_IP_HEADER, peerIsListed, resolveClientIp } from "./client-ip";
import { ApiError, problemDocument, RETRY_AFTER_SECONDS, toApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { API_CONTENT_SECURITY_POLICY, newNonce, pageContentSecurityPolicy } from "./content-security-policy";
import { serveMetrics, type MetricsAccess } from "./metrics-endpoint";
import { logRequest } from "./request-log";
import { SECURITY_HEADERS } from "./security-headers";
import { serveWebHandler, type WebHandler } from "./serve-web-handler";

export type AppServerOptions = {
  trustedProxies: BlockList;
  /** Production: the API answers only over TLS, which this plain-HTTP server sees only via a trusted proxy. */
  requireHttps: boolean;
  publicOrigin: string;
  /** POST routes served by their Fetch-API handler directly, without Next. */
  directPost?: Map<string, WebHandler>;
  /** POST routes answered on node:http's request and response, without Next or Fetch objects (the lookup API). */
  nodePost?: Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
  /** GET routes answered on node:http directly, before anything else (health and readiness; not logged). */
  directGet?: Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
  /** False while the instance is starting: every other request is a 503 with Retry-After, not a hang. */
  serving?: () => boolean;
  /** Next's dev mode, whose React Refresh needs eval and a WebSocket: the page policy allows them there only. */
  development?: boolean;
  /** Who may scrape GET /metrics; without it, there is no /metrics. */
  metrics?: MetricsAccess;
};

const HSTS = "max-age=63072000; includeSubDomains";

/**
 * The HTTP server in front of Next's request handler. Whatever a client sent under CLIENT_IP_HEADER is
 * overwritten with the address established from the socket (and trusted proxies only), and X-Forwarded-Host with
 * the host of PUBLIC_ORIGIN. In production, API
 * requests that did not arrive over TLS at a trusted proxy are refused before any work (R7), and every answer
 * carries HSTS so browsers never try plain HTTP again.
 */
export function createAppServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void,
  options: AppServerOptions,
): Server {
  const publicHost = new URL(options.publicOrigin).host;
  return createServer((req, res) => {
    // Health checks come every second from each balancer: answered first, and kept out of the request log.
    const get = req.method === "GET" || req.method === "HEAD" ? options.directGet?.get((req.url ?? "").split("?")[0] ?? "") : undefined;
    if (get) {
      get(req, res).catch(() => res.destroy());
      return;
    }
    logRequest(req, res, options.trustedProxies);
    if (options.serving && !options.serving()) {
      const { status, headers, body } = problemDocument(options.publicOrigin, new ApiError("service_unavailable", PROBLEM_DETAILS.starting, { "retry-after": RETRY_AFTER_SECONDS }));
      res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(body);
      return;
    }
    req.headers[CLIENT_IP_HEADER] = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], options.trustedProxies);
    // Next checks a server action's Origin against X-Forwarded-Host when one is sent, so a client that sets it to
    // its own site could pass a cross-site action off as same-site. The host users reach is configured: say it.
    req.headers["x-forwarded-host"] = publicHost;
    setContentSecurityPolicy(req, res, { development: options.development ?? false, https: options.publicOrigin.startsWith("https://") });
    if (options.requireHttps) {
      res.setHeader("strict-transport-security", HSTS);
      if ((req.url ?? "").startsWith("/api/") && !arrivedOverTls(req, options.trustedProxies)) {
        const { status, headers, body } = problemDocument(options.publicOrigin, new ApiError("https_required", PROBLEM_DETAILS.httpsRequired));
        res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(body);
        return;
      }
    }
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method === "GET" && path === "/metrics" && options.metrics) {
      void serveMetrics(req, res, options.metrics, options.publicOrigin);
      return;
    }
    const node = req.method === "POST" ? options.nodePost?.get(path) : undefined;
    if (node) {
      node(req, res).catch(() => {
        // The handler answers every failure itself; this is only a socket gone wrong while writing.
        if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
        res.destroy();
      });
      return;
    }
    const direct = req.method === "POST" ? options.directPost?.get(path) : undefined;
    if (direct) {
      serveWebHandler(req, res, direct, options.publicOrigin).catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const { status, headers, body } = problemDocument(options.publicOrigin, toApiError(error));
        res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(body);
      });
      return;
    }
    void handle(req, res);
  });
}

/**
 * Every answer gets its policy: a page one with a nonce of its own, which Next reads from the request's header of
 * the same name and puts on its scripts; machine answers a policy that loads nothing.
 */
function setContentSecurityPolicy(req: IncomingMessage, res: ServerResponse, options: { development: boolean; https: boolean }): void {
  const path = req.url ?? "/";
  if (path.startsWith("/api/") || path.startsWith("/.well-known/")) {
    res.setHeader("content-security-policy", API_CONTENT_SECURITY_POLICY);
    return;
  }
  const policy = pageContentSecurityPolicy(newNonce(), options);
  req.headers["content-security-policy"] = policy;
  res.setHeader("content-security-policy", policy);
}

/** TLS ended at a proxy we trust, which said so; a client cannot claim it by sending the header itself. */
function arrivedOverTls(req: IncomingMessage, trustedProxies: BlockList): boolean {
  if ("encrypted" in req.socket && req.socket.encrypted) return true;
  if (!peerIsListed(req.socket.remoteAddress, trustedProxies)) return false;
  const proto = req.headers["x-forwarded-proto"];
  const last = (Array.isArray(proto) ? proto.join(",") : (proto ?? "")).split(",").at(-1)?.trim().toLowerCase();
  return last === "https";
}
