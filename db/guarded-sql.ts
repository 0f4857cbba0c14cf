import type postgres from "postgres";
import type { AvailabilityGate } from "./availability-gate";
import { codeOf, DatabaseUnavailableError, isConnectionFailure } from "./errors";
import type { Permits } from "./permits";

export type GuardOptions = {
  gate: AvailabilityGate;
  permits: Permits;
  /** How long a call may wait for a connection before it is refused, never having been sent. */
  deadlineMs: number;
  /** How long a sent statement may go without any answer (the server's own statement_timeout comes first). */
  answerDeadlineMs: number;
  /** With a synchronous standby lookups read from (db/replica.ts): how transactions commit. */
  replicated?: ReplicatedCommits;
};

/**
 * Transactions commit with synchronous_commit = remote_apply: the COMMIT returns once the synchronous standby has
 * applied it, so a lookup read there after the acknowledgement sees it (never a stale removal). The server's
 * statement_timeout does not end that wait, so the COMMIT gets a deadline of its own; when it passes, the call is
 * answered DatabaseUnavailableError("commit_unconfirmed") and `cancelWait` ends the backend's wait, so that its
 * connection comes back to the pool instead of waiting for a standby that may never return.
 */
export type ReplicatedCommits = {
  commitDeadlineMs: number;
  cancelWait: (backend: { pid: number; xid: string }) => Promise<void>;
};

type Unsafe = (query: string, parameters?: unknown[], options?: object) => postgres.PendingQuery<postgres.Row[]>;
type TransactionBody = (sql: postgres.TransactionSql) => unknown;

/**
 * The postgres.js client drizzle is given: every call it makes (`unsafe` for statements, `begin` for transactions)
 * gets a deadline. A call is refused at once while the availability gate knows the database is down; waits at most
 * `deadlineMs` for one of the pool's connections (then it is refused, unsent: nothing changed); and once sent, is
 * given up after `answerDeadlineMs` without an answer. Failures of the connection become DatabaseUnavailableError,
 * which every edge answers with 503 and Retry-After; anything else the database says passes through unchanged.
 *
 * A transaction holds one permit from BEGIN to its end, and its statements run on its own connection. If a statement
 * goes unanswered, the whole transaction is given up: its body throws from then on, so it can only roll back.
 */
export function guardSql(pool: () => postgres.Sql, options: GuardOptions): postgres.Sql {
  // The target is only the proxy's shape: every access goes to the pool of the moment, which a recovery replaces.
  return new Proxy(pool(), {
    get(_shape, property) {
      const target = pool();
      if (property === "unsafe") {
        return ((query: string, parameters?: unknown[], queryOptions?: object) =>
          new GuardedQuery(async (values) => {
            const release = await admitted(options);
            const pending = (target.unsafe as Unsafe)(query, parameters, queryOptions);
            return awaitAnswer(values ? pending.values() : pending, options, release);
          }));
      }
      if (property === "begin") return (...args: unknown[]) => guardedBegin(target, args, options);
      return Reflect.get(target, property) as unknown;
    },
    // The tagged template itself (sql`…`), which drizzle does not use: the pool of the moment, unguarded.
    apply(_shape, thisArgument, args) {
      return Reflect.apply(pool(), thisArgument, args) as unknown;
    },
  });
}

/**
 * A permit, if the gate lets the call in both before and after the wait: the database may have been found down while
 * this call waited, and a call handed to the driver then would wait out its reconnects.
 */
async function admitted(options: GuardOptions): Promise<() => void> {
  options.gate.admit();
  const release = await options.permits.acquire(options.deadlineMs);
  try {
    options.gate.admit();
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

/** What drizzle does with a statement: `.values()` for array rows, then await it. Runs when first awaited. */
class GuardedQuery<T> implements PromiseLike<T> {
  #values = false;
  #running: Promise<T> | undefined;

  constructor(private readonly start: (values: boolean) => Promise<T>) {}

  values(): this {
    this.#values = true;
    return this;
  }

  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.#running ??= this.start(this.#values);
    return this.#running.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onRejected);
  }
}

/** The driver's error as the DP states it: the connection's failures and the server's timeouts are "unavailable". */
export function classify(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError) return error;
  if (isConnectionFailure(error)) return new DatabaseUnavailableError("connection_failed", codeOf(error));
  // 57014: query_canceled, which is how the server's statement_timeout ends a statement (we never cancel one).
  if (codeOf(error) === "57014") return new DatabaseUnavailableError("statement_timeout", "57014");
  return error;
}

function awaitAnswer<T>(pending: PromiseLike<T>, options: GuardOptions, release?: () => void, onNoAnswer?: (error: DatabaseUnavailableError) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let givenUp = false;
    const timer = setTimeout(() => {
      givenUp = true;
      const error = new DatabaseUnavailableError("no_answer_in_time");
      options.gate.observe(error);
      onNoAnswer?.(error);
      reject(error);
    }, options.answerDeadlineMs);
    pending.then(
      (value) => {
        clearTimeout(timer);
        // The permit comes back only now: a statement given up on still holds its connection until it ends.
        release?.();
        if (givenUp) return;
        options.gate.observe(null);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        release?.();
        if (givenUp) return;
        const stated = classify(error);
        options.gate.observe(stated);
        reject(stated);
      },
    );
  });
}

async function guardedBegin(target: postgres.Sql, args: unknown[], options: GuardOptions): Promise<unknown> {
  const body = args.pop() as TransactionBody;
  const mode = args[0] as string | undefined;
  const release = await admitted(options);

  let givenUp: DatabaseUnavailableError | undefined;
  let giveUp!: (error: DatabaseUnavailableError) => void;
  const gaveUp = new Promise<never>((_, reject) => {
    giveUp = (error) => {
      if (givenUp) return;
      givenUp = error;
      options.gate.observe(error);
      reject(error);
    };
  });
  gaveUp.catch(() => {});
  // BEGIN itself must be answered in time; after that, each statement is.
  const beginTimer = setTimeout(() => giveUp(new DatabaseUnavailableError("no_answer_in_time")), options.answerDeadlineMs);

  let commitTimer: NodeJS.Timeout | undefined;
  const run = async (tx: postgres.TransactionSql) => {
    clearTimeout(beginTimer);
    if (givenUp) throw givenUp;
    const guarded = guardTransaction(tx, options, giveUp, () => givenUp);
    const replicated = options.replicated;
    if (!replicated) return body(guarded);
    // An xid now, so that the COMMIT always writes a commit record and waits for the standby, even when the body
    // changes nothing: a removal retried after an unconfirmed one finds it done, and must not be acknowledged
    // before the standby has applied the first.
    const [backend] = (await guarded.unsafe("select set_config('synchronous_commit', 'remote_apply', true), pg_backend_pid() as pid, pg_current_xact_id()::xid::text as xid")) as unknown as { pid: number; xid: string }[];
    const result = await body(guarded);
    // postgres.js sends COMMIT once the body has returned.
    commitTimer = setTimeout(() => {
      giveUp(new DatabaseUnavailableError("commit_unconfirmed"));
      void replicated.cancelWait(backend!).catch(() => {});
    }, replicated.commitDeadlineMs);
    return result;
  };
  const transaction = mode === undefined ? target.begin(run) : target.begin(mode, run);
  const ended = transaction.then(
    () => options.gate.observe(null),
    (error: unknown) => options.gate.observe(classify(error)),
  );
  void ended.finally(() => {
    clearTimeout(beginTimer);
    clearTimeout(commitTimer);
    release();
  });
  try {
    return await Promise.race([transaction, gaveUp]);
  } catch (error) {
    throw classify(error);
  }
}

function guardTransaction(
  tx: postgres.TransactionSql,
  options: GuardOptions,
  giveUp: (error: DatabaseUnavailableError) => void,
  givenUp: () => DatabaseUnavailableError | undefined,
): postgres.TransactionSql {
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return ((query: string, parameters?: unknown[], queryOptions?: object) =>
          new GuardedQuery(async (values) => {
            const abandoned = givenUp();
            if (abandoned) throw abandoned;
            const pending = (target.unsafe as Unsafe)(query, parameters, queryOptions);
            return awaitAnswer(values ? pending.values() : pending, options, undefined, giveUp);
          }));
      }
      if (property === "savepoint") {
        return (...args: unknown[]) => {
          const body = args.pop() as TransactionBody;
          const savepoint = target.savepoint as (...rest: unknown[]) => Promise<unknown>;
          return savepoint(...args, (inner: postgres.TransactionSql) => body(guardTransaction(inner, options, giveUp, givenUp)));
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
