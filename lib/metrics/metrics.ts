import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The DP's Prometheus metrics (GET /metrics). Labels are bounded and never carry an identifier, a token or a hash of
 * either; the `msp` label names the calling MSP on counts of what it did (requests, identifiers charged, refusals),
 * and no metric pairs an MSP with anything it looked up.
 */
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "mimi_process_" });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    apiRequests: counter("mimi_api_requests_total", "Machine API requests by route and HTTP status.", ["route", "status"] as const),
    apiDuration: new Histogram<"route">({
      name: "mimi_api_request_duration_seconds",
      help: "Time to answer a machine API request, by route.",
      labelNames: ["route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    lookupIdentifiers: counter("mimi_lookup_identifiers_total", "Identifiers looked up (tokens charged), by calling MSP.", ["msp"] as const),
    tokensIssued: counter("mimi_tokens_issued_total", "Privacy Pass tokens issued, by the MSP that asked for them (redemptions name no MSP).", ["msp"] as const),
    rateLimited: counter("mimi_rate_limited_total", "Requests refused with 429, by calling MSP.", ["msp"] as const),
    unavailable: counter("mimi_unavailable_total", "Requests refused with 503, by the dependency that was down.", ["dependency"] as const),
    publishes: counter("mimi_mappings_published_total", "Mappings signed and published."),
    removals: counter("mimi_mappings_removed_total", "Mappings removed, by who removed them.", ["by"] as const),
    lookupReads: counter("mimi_lookup_reads_total", "Reads of what lookups serve, by where they were read: replica (the streaming standby) or primary.", ["source"] as const),
    codeSends: counter("mimi_code_sends_total", "One-time codes sent, by channel.", ["channel"] as const),
    deliveryFailures: counter("mimi_delivery_failures_total", "Codes and notices that could not be delivered, by channel.", ["channel"] as const),
    databaseErrors: counter("mimi_database_errors_total", "Requests that failed because the database was unreachable."),
    limiterErrors: counter("mimi_limiter_errors_total", "Requests that failed because the rate-limit store was unreachable."),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// One set per process, on globalThis: the custom server (which serves /metrics and the lookup routes) and Next's
// bundle (pages, actions) load this module separately, and must count into the same registry.
const metricsKey = Symbol.for("mimi.metrics");
const holder = globalThis as { [metricsKey]?: Metrics };

export function getMetrics(): Metrics {
  holder[metricsKey] ??= createMetrics();
  return holder[metricsKey];
}
