import type { Server, ServerResponse } from "node:http";

export type DrainOutcome = { clean: boolean; cutOff: number; unfinishedWork: number };

export type Drainer = {
  readonly draining: boolean;
  /** Work outside any request (a background job) that a clean stop waits for. */
  track: <T>(work: Promise<T>) => Promise<T>;
  /** Requests being answered now. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, closes idle keep-alive connections and each one as it goes idle, lets the requests
   * in flight and the tracked work finish, and resolves when everything has, or when `graceMs` is over: then the
   * connections still open are destroyed and the outcome says how many requests were cut off.
   */
  drain: (graceMs: number) => Promise<DrainOutcome>;
};

/**
 * A server's graceful stop, in the order balancers and orchestrators expect: accept nothing new, tell keep-alive
 * clients to go elsewhere (`Connection: close` on every answer from now on), finish what was started, and report
 * whether that happened in time. Small and process-local, so that a cluster primary or a worker can run it as is.
 */
export function createDrainer(server: Server): Drainer {
  let draining = false;
  const answering = new Set<ServerResponse>();
  const work = new Set<Promise<unknown>>();

  // Before the app's own listener, so that `Connection: close` is set before anything is written.
  server.prependListener("request", (_req, res) => {
    answering.add(res);
    if (draining) res.setHeader("connection", "close");
    const finished = () => {
      if (!answering.delete(res)) return;
      // An answer that went out with keep-alive leaves its connection idle: close it now, not at the forced exit.
      if (draining) server.closeIdleConnections();
    };
    res.once("finish", finished);
    res.once("close", finished);
  });

  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return answering.size;
    },
    track(task) {
      work.add(task);
      void task.then(
        () => work.delete(task),
        () => work.delete(task),
      );
      return task;
    },
    drain(graceMs) {
      draining = true;
      // Answers already under way and not yet sent go out with `Connection: close` too.
      for (const res of answering) if (!res.headersSent) res.setHeader("connection", "close");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const everything = Promise.all([closed, Promise.allSettled([...work])]).then(() => "done" as const);
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<"grace over">((resolve) => {
        timer = setTimeout(() => resolve("grace over"), graceMs);
      });
      return Promise.race([everything, graceOver]).then((result) => {
        clearTimeout(timer);
        if (result === "done") return { clean: true, cutOff: 0, unfinishedWork: 0 };
        const outcome = { clean: false, cutOff: answering.size, unfinishedWork: work.size };
        server.closeAllConnections();
        return outcome;
      });
    },
  };
}
