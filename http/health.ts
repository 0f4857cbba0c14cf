import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, problemDocument, RETRY_AFTER_SECONDS } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { SECURITY_HEADERS } from "./security-headers";

/** Where an instance is in its life: starting (not serving yet), ready, or draining (stopping). */
export type Phase = "starting" | "ready" | "draining";

/** Something a lookup needs, and how to ask it whether it answers. */
export type Dependency = { name: string; check: () => Promise<unknown> };

export type Readiness = { ready: boolean; phase: Phase; checks: Record<string, "up" | "down"> };

/**
 * Whether this instance should get traffic: it is ready (not starting, not draining) and every dependency answers
 * within `timeoutMs`. Checks run at once, in parallel; a draining or starting instance is not ready whatever they
 * say, and is not asked. A function of its inputs, so that a cluster primary can ask it for each worker.
 */
export async function checkReadiness(phase: Phase, dependencies: readonly Dependency[], timeoutMs: number): Promise<Readiness> {
  if (phase !== "ready") return { ready: false, phase, checks: {} };
  const results = await Promise.all(
    dependencies.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), timeoutMs);
      });
      try {
        await Promise.race([check(), timedOut]);
        return [name, "up"] as const;
      } catch {
        return [name, "down"] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(results);
  return { ready: results.every(([, state]) => state === "up"), phase, checks };
}

export type HealthOptions = { origin: string; phase: () => Phase; dependencies: () => readonly Dependency[]; timeoutMs: number };

/**
 * The two answers a balancer or an orchestrator asks for, served by the custom server itself (no Next, no
 * database for liveness), `no-store`:
 * - `GET /api/health/live`: 200 while the process can answer at all (also while starting and draining). A failing
 *   liveness check means "restart me".
 * - `GET /api/health/ready` (and `/api/health`): 200 when this instance should get traffic, else 503
 *   problem+json with Retry-After and which check failed. A failing readiness check means "send traffic elsewhere".
 */
export function healthRoutes(options: HealthOptions): Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  const live = async (_req: IncomingMessage, res: ServerResponse) => {
    send(res, 200, { status: "alive", phase: options.phase() });
  };
  const ready = async (_req: IncomingMessage, res: ServerResponse) => {
    const readiness = await checkReadiness(options.phase(), options.dependencies(), options.timeoutMs);
    if (readiness.ready) {
      send(res, 200, { status: "ready", checks: readiness.checks });
      return;
    }
    const down = Object.entries(readiness.checks).filter(([, state]) => state === "down").map(([name]) => name);
    const detail = readiness.phase === "starting" ? PROBLEM_DETAILS.starting : readiness.phase === "draining" ? PROBLEM_DETAILS.draining : PROBLEM_DETAILS.dependenciesDown(down);
    const { status, headers, body } = problemDocument(
      options.origin,
      new ApiError("service_unavailable", detail, { "retry-after": RETRY_AFTER_SECONDS }, { phase: readiness.phase, checks: readiness.checks }),
    );
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers }).end(body);
  };
  return new Map([
    ["/api/health/live", live],
    ["/api/health/ready", ready],
    ["/api/health", ready],
  ]);
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}
