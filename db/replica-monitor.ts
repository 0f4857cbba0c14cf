import { judgeReplica, type LsnSample, type PrimaryFacts, type ReplicaFacts } from "./replica-health";

export type ReplicaMonitor = {
  /** True while lookups may read from the standby: the last two checks in a row found it safe. */
  readonly usable: boolean;
  /** Why the standby is not used, while it is not. */
  readonly reason: string | undefined;
  /** A read on the standby failed: stop using it at once; it takes two good checks to come back. */
  reportFailure: () => void;
  /** Runs one check now (the timer runs them too); for tests and the first check at start. */
  check: () => Promise<void>;
  close: () => void;
};

export type ReplicaMonitorOptions = {
  name: string;
  maxLagMs: number;
  intervalMs?: number;
  /** The primary's WAL position, synchronous_standby_names and the named standby's row of pg_stat_replication. */
  readPrimary: () => Promise<PrimaryFacts>;
  readReplica: () => Promise<ReplicaFacts>;
  /** Told when the standby starts or stops serving lookups, for the log. */
  onChange?: (usable: boolean, reason: string | undefined) => void;
  now?: () => number;
};

/**
 * This process's view of one standby, checked every `intervalMs` (1 s): usable only after two good checks in a row,
 * so that a standby that just came back has shown it keeps up before it serves, and unusable from the first bad one
 * (or a failed read). A check that cannot reach either server is a bad check. The state is this instance's own
 * health knowledge; no other instance needs it.
 *
 * The primary is asked first, then the standby: so the primary's position is never later than what the standby
 * had replayed by its answer, and a lag of 0 means it had everything the primary had written before the check.
 */
export function createReplicaMonitor(options: ReplicaMonitorOptions): ReplicaMonitor {
  const interval = options.intervalMs ?? 1_000;
  const now = options.now ?? Date.now;
  let good = 0;
  let usable = false;
  let reason: string | undefined = "not checked yet";
  let samples: LsnSample[] = [];
  let running: Promise<void> | undefined;
  let closed = false;

  const set = (next: boolean, why: string | undefined) => {
    reason = why;
    if (next === usable) return;
    usable = next;
    options.onChange?.(next, why);
  };
  const bad = (why: string) => {
    good = 0;
    set(false, why);
  };

  const checkOnce = async () => {
    let primary: PrimaryFacts;
    let replica: ReplicaFacts;
    try {
      primary = await options.readPrimary();
    } catch {
      return bad("the primary did not answer the check");
    }
    const at = now();
    samples.push({ at, lsn: primary.lsn });
    // Enough history to measure a lag up to the bound, and one sample older.
    const keepFrom = samples.findLastIndex((sample) => at - sample.at > options.maxLagMs + interval);
    if (keepFrom > 0) samples = samples.slice(keepFrom);
    try {
      replica = await options.readReplica();
    } catch {
      return bad("the replica did not answer the check");
    }
    const verdict = judgeReplica({ name: options.name, primary, replica, samples, maxLagMs: options.maxLagMs, now: now() });
    if (!verdict.ok) return bad(verdict.reason);
    good += 1;
    if (good >= 2) set(true, undefined);
    else reason = "one good check so far; it takes two in a row";
  };

  const check = () => {
    // One check at a time: a slow server must not pile checks up.
    running ??= checkOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (!closed) void check();
  }, interval);
  // Monitoring must not keep a stopping process alive.
  timer.unref();

  return {
    get usable() {
      return usable;
    },
    get reason() {
      return reason;
    },
    reportFailure: () => bad("a read on the replica failed"),
    check,
    close: () => {
      closed = true;
      clearInterval(timer);
    },
  };
}
