import { DatabaseUnavailableError, isConnectionFailure } from "./errors";

export type AvailabilityGate = {
  readonly up: boolean;
  /** Throws DatabaseUnavailableError("down") while the database is known to be down: nothing is queued or sent. */
  admit: () => void;
  /** What a call ended with: a success (null) opens the gate, a failure of the connection itself closes it. */
  observe: (error: unknown) => void;
  /** Stops probing (at shutdown). */
  close: () => void;
};

/**
 * A circuit breaker in front of the database. While it is up, calls pass. The first call that fails because the
 * connection failed (refused, reset, a connect timeout, no answer at all) closes it: from then on every call is
 * refused at once, so that under load requests get their 503 in microseconds instead of queueing for the driver's
 * reconnects, and the database is not stormed with connection attempts while it restarts. A probe runs every
 * `probeIntervalMs` until one answers; then the gate opens again, without a restart.
 *
 * A statement the database refuses or cancels (a constraint, a statement_timeout) says the database is there, and
 * leaves the gate as it is. The state is this process's own knowledge and nothing another instance needs: each
 * instance finds out for itself, within a probe interval.
 */
export function createAvailabilityGate(options: {
  probe: () => Promise<unknown>;
  probeIntervalMs?: number;
  onChange?: (up: boolean, failure: DatabaseUnavailableError | undefined) => void;
}): AvailabilityGate {
  const interval = options.probeIntervalMs ?? 250;
  let up = true;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const setUp = (next: boolean, failure?: DatabaseUnavailableError) => {
    if (up === next) return;
    up = next;
    options.onChange?.(next, failure);
    if (!next) scheduleProbe();
  };

  const scheduleProbe = () => {
    if (closed || up || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      options.probe().then(
        () => setUp(true),
        () => scheduleProbe(),
      );
    }, interval);
    // Probing must not keep a stopping process alive.
    timer.unref();
  };

  return {
    get up() {
      return up;
    },
    admit() {
      if (!up) throw new DatabaseUnavailableError("down");
    },
    observe(error) {
      if (error === null || error === undefined) return setUp(true);
      if (error instanceof DatabaseUnavailableError ? error.reason === "connection_failed" || error.reason === "no_answer_in_time" : isConnectionFailure(error)) {
        setUp(false, error instanceof DatabaseUnavailableError ? error : undefined);
      }
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
