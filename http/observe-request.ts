import { isDatabaseUnavailable } from "@/db/errors";
import { getMetrics } from "@/lib/metrics/metrics";
import { recordUsage } from "@/lib/metrics/usage";
import { RateLimitStoreUnavailable } from "@/lib/rate-limit/token-bucket";

export type ApiRoute = "lookup" | "lookup_batch" | "csip_removals";

/** Which dependency a 503 was about, from the error that caused it. */
export function unavailableDependency(error: unknown): "database" | "limiter" | undefined {
  if (error instanceof RateLimitStoreUnavailable) return "limiter";
  if (isDatabaseUnavailable(error)) return "database";
  return undefined;
}

/**
 * Counts one answered API request: Prometheus (route and status; the calling MSP on its own counts) and the hourly
 * usage the dashboard reads. What was looked up is never among what is counted.
 */
export function observeRequest(options: {
  route: ApiRoute;
  status: number;
  seconds: number;
  mspId: string | null;
  identifiers: number;
  dependency: "database" | "limiter" | undefined;
  now: Date;
}): void {
  const metrics = getMetrics();
  metrics.apiRequests.inc({ route: options.route, status: String(options.status) });
  metrics.apiDuration.observe({ route: options.route }, options.seconds);
  if (options.mspId && options.identifiers > 0) metrics.lookupIdentifiers.inc({ msp: options.mspId }, options.identifiers);
  if (options.mspId && options.status === 429) metrics.rateLimited.inc({ msp: options.mspId });
  if (options.dependency) {
    metrics.unavailable.inc({ dependency: options.dependency });
    (options.dependency === "database" ? metrics.databaseErrors : metrics.limiterErrors).inc();
  }
  // CSIP requests are not MSP usage: the dashboard counts lookups.
  if (options.route === "csip_removals") return;
  recordUsage(
    { mspId: options.mspId, requests: 1, identifiers: options.identifiers, rateLimited: options.status === 429 ? 1 : 0, unavailable: options.status === 503 ? 1 : 0 },
    options.now,
  );
}
