import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { getMetrics } from "@/lib/metrics/metrics";
import { instanceMetrics, metricsAreShared } from "./cluster-metrics";
import { peerIsListed } from "./client-ip";
import { ApiError, problemDocument } from "./problem";
import { SECURITY_HEADERS } from "./security-headers";

export type MetricsAccess = { token: string | undefined; allow: BlockList };

/**
 * GET /metrics in Prometheus's text format, for a scraper: one that presents the configured token
 * (Authorization: Bearer), or one whose own address (the socket's, never X-Forwarded-For) is allowed. Anyone else
 * gets the 404 any unknown path gets, so the endpoint's existence is not advertised. With WEB_CONCURRENCY workers
 * the answer is the whole instance's, every worker's counters summed (http/cluster-metrics.ts).
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, access: MetricsAccess, origin: string): Promise<void> {
  if (!mayScrape(req, access)) {
    const { status, headers, body } = problemDocument(origin, new ApiError("not_found", "There is no such resource."));
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(body);
    return;
  }
  const { registry } = getMetrics();
  let body: string;
  try {
    body = metricsAreShared() ? await instanceMetrics() : await registry.metrics();
  } catch {
    // The scraper retries; half an instance's counters would read as a drop.
    const { status, headers, body: problem } = problemDocument(origin, new ApiError("service_unavailable", "The workers' metrics could not be collected; try again."));
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(problem);
    return;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": registry.contentType, "cache-control": "no-store" }).end(body);
}

function mayScrape(req: IncomingMessage, access: MetricsAccess): boolean {
  const presented = /^Bearer (\S+)$/u.exec(req.headers.authorization ?? "")?.[1];
  if (access.token && presented && sameSecret(presented, access.token)) return true;
  return peerIsListed(req.socket.remoteAddress, access.allow);
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
