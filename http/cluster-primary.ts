import cluster, { type Worker } from "node:cluster";

export type ClusterOptions = {
  workers: number;
  /** After SIGTERM, how long the workers have to drain (theirs is SHUTDOWN_GRACE_SECONDS), plus a margin. */
  stopWithinMs: number;
  log: (line: string) => void;
  /** A worker that crashed after it was ready is replaced; more than this many crashes a minute is a crash loop. */
  maxRestartsPerMinute?: number;
};

/** What a worker tells the primary once it serves (server.ts). */
export const WORKER_READY = "mimi:worker-ready";

/**
 * The primary of `WEB_CONCURRENCY` workers (node:cluster): it serves nothing itself and opens no database. Each
 * worker is a whole instance (its own pool, LISTEN connection, key cache and leases: the same contract as separate
 * machines, so nothing a second worker needs lives in one). Linux hands each new connection to the next worker.
 *
 * - A worker that exits before it is ready (a port in use, a database that never answers) stops the whole server
 *   with exit 1, as one process would: restarting it would only repeat the refusal.
 * - A worker that crashes once ready is replaced at once; the others go on serving. A crash loop ends the server.
 * - SIGTERM or SIGINT: every worker gets SIGTERM and drains (http/drain.ts); exit 0 when each exited 0, else 1.
 */
export function runClusterPrimary(options: ClusterOptions): void {
  const ready = new Set<Worker>();
  const restarts: number[] = [];
  const maxRestarts = options.maxRestartsPerMinute ?? 10;
  let stopping = false;
  let failed = false;

  const fork = () => {
    const worker = cluster.fork();
    worker.on("message", (message: unknown) => {
      if (message === WORKER_READY) ready.add(worker);
    });
  };

  const finishIfDone = () => {
    if (Object.keys(cluster.workers ?? {}).length > 0) return;
    options.log(failed ? "all workers stopped; exiting with failure" : "all workers stopped cleanly");
    process.exit(failed ? 1 : 0);
  };

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    options.log(`${reason}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    // SIGTERM for SIGINT too: a worker that got the terminal's SIGINT already would read a second SIGINT as "now".
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    setTimeout(() => {
      options.log("workers still running after the grace: killing them");
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      process.exit(1);
    }, options.stopWithinMs).unref();
    finishIfDone();
  };

  cluster.on("exit", (worker, code, signal) => {
    const wasReady = ready.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      finishIfDone();
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!wasReady) {
      options.log(`a worker stopped before it was ready (${how}); stopping the server`);
      failed = true;
      stop("start-up failed");
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    if (restarts.length > maxRestarts) {
      options.log(`workers crashed ${restarts.length} times in a minute; stopping the server`);
      failed = true;
      stop("crash loop");
      return;
    }
    options.log(`worker ${worker.process.pid} stopped (${how}); starting another`);
    fork();
  });

  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  options.log(`starting ${options.workers} workers`);
  for (let i = 0; i < options.workers; i += 1) fork();
}
