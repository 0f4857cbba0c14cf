import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { CLIENT_IP_HEADER, resolveClientIp } from "./client-ip";
import { ApiError, problemDocument, RETRY_AFTER_SECONDS, toApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { SECURITY_HEADERS } from "./security-headers";
import { serveWebHandler, type WebHandler } from "./serve-web-handler";

export type AppServerOptions = {
  trustedProxies: BlockList;
  /** Production: the API answers only over TLS, which this plain-HTTP server sees only via a trusted proxy. */
  requireHttps: boolean;
  publicOrigin: string;
  /** POST routes served by their Fetch-API handler directly, without Next (the lookup API's hot path). */
  directPost?: Map<string, WebHandler>;
  /** GET routes answered on node:http directly, before anything else (health and readiness). */
  directGet?: Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
  /** False while the instance is starting: every other request is a 503 with Retry-After, not a hang. */
  serving?: () => boolean;
};

const HSTS = "max-age=63072000; includeSubDomains";

/**
 * The HTTP server in front of Next's request handler. Whatever a client sent under CLIENT_IP_HEADER is
 * overwritten with the address established from the socket (and trusted proxies only). In production, API
 * requests that did not arrive over TLS at a trusted proxy are refused before any work (R7), and every answer
 * carries HSTS so browsers never try plain HTTP again.
 */
export function createAppServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void,
  options: AppServerOptions,
): Server {
  return createServer((req, res) => {
    const get = req.method === "GET" || req.method === "HEAD" ? options.directGet?.get((req.url ?? "").split("?")[0] ?? "") : undefined;
    if (get) {
      get(req, res).catch(() => res.destroy());
      return;
    }
    if (options.serving && !options.serving()) {
      const { status, headers, body } = problemDocument(options.publicOrigin, new ApiError("service_unavailable", PROBLEM_DETAILS.starting, { "retry-after": RETRY_AFTER_SECONDS }));
      res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(body);
      return;
    }
    req.headers[CLIENT_IP_HEADER] = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], options.trustedProxies);
    if (options.requireHttps) {
      res.setHeader("strict-transport-security", HSTS);
      if ((req.url ?? "").startsWith("/api/") && !arrivedOverTls(req, options.trustedProxies)) {
        const { status, headers, body } = problemDocument(options.publicOrigin, new ApiError("https_required", PROBLEM_DETAILS.httpsRequired));
        res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(body);
        return;
      }
    }
    const direct = req.method === "POST" ? options.directPost?.get((req.url ?? "").split("?")[0] ?? "") : undefined;
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

/** TLS ended at a proxy we trust, which said so; a client cannot claim it by sending the header itself. */
function arrivedOverTls(req: IncomingMessage, trustedProxies: BlockList): boolean {
  if ("encrypted" in req.socket && req.socket.encrypted) return true;
  const peer = (req.socket.remoteAddress ?? "").replace(/^::ffff:/u, "");
  const family = peer.includes(":") ? "ipv6" : "ipv4";
  if (!peer || !trustedProxies.check(peer, family)) return false;
  const proto = req.headers["x-forwarded-proto"];
  const last = (Array.isArray(proto) ? proto.join(",") : (proto ?? "")).split(",").at(-1)?.trim().toLowerCase();
  return last === "https";
}
