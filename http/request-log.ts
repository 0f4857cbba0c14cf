import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { getLogger } from "@/lib/log/logger";
import { peerIsListed } from "./client-ip";
import { routeTemplate } from "./route-template";

// What a proxy may pass on as the request's id; anything else is replaced by one of ours.
const FORWARDED_ID = /^[A-Za-z0-9-]{8,64}$/u;

/**
 * One log line per request, once its answer is sent (or the client went away): the method, the route template (never
 * the path or its query string, which may hold whatever the client typed), the status, the time taken and a request
 * id, which the answer carries as X-Request-Id. A trusted proxy's X-Request-Id is kept, so that its logs and ours
 * meet. No client address, no identifier: a log line says that a lookup happened, not who asked or for what.
 */
export function logRequest(req: IncomingMessage, res: ServerResponse, trustedProxies: BlockList): void {
  const started = process.hrtime.bigint();
  const requestId = forwardedId(req, trustedProxies) ?? randomUUID();
  res.setHeader("x-request-id", requestId);
  let logged = false;
  const write = (aborted: boolean) => {
    if (logged) return;
    logged = true;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    getLogger().info({ requestId, method: req.method, route: routeTemplate(req.url), status: res.statusCode, ms: Math.round(ms * 10) / 10, ...(aborted ? { aborted: true } : {}) }, "request");
  };
  res.once("finish", () => write(false));
  res.once("close", () => write(!res.writableFinished));
}

function forwardedId(req: IncomingMessage, trustedProxies: BlockList): string | undefined {
  const value = req.headers["x-request-id"];
  if (typeof value !== "string" || !FORWARDED_ID.test(value)) return undefined;
  return peerIsListed(req.socket.remoteAddress, trustedProxies) ? value : undefined;
}
