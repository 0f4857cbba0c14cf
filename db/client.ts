import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { createAvailabilityGate, type AvailabilityGate } from "./availability-gate";
import { lockDataDir } from "./data-dir-lock";
import type { DatabaseUnavailableError } from "./errors";
import { guardSql, type ReplicatedCommits } from "./guarded-sql";
import { createSocketFactory, wantsTls } from "./pg-socket";
import { createPermits } from "./permits";
import * as schema from "./schema";

/** Either driver behind one type: lib code never knows which PostgreSQL it talks to. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

/**
 * `sql` is postgres.js itself (migrations and scripts); `guarded` is what the app's queries go through, with the
 * deadlines of guardSql and the availability gate, which readiness checks read.
 */
export type RawClient =
  | { driver: "postgres"; sql: postgres.Sql; guarded: postgres.Sql; gate: AvailabilityGate; url: string }
  | { driver: "pglite"; pglite: PGlite; release?: () => void };

export type DatabaseOptions = {
  /** Longest wait for a connection, and for a connection to open (default 1 s): then 503, nothing sent. */
  deadlineMs?: number;
  /** The server's statement_timeout (default 5 s); a statement unanswered a second after it is given up on. */
  statementTimeoutMs?: number;
  /** Connections in the pool (default 10). */
  max?: number;
  /**
   * Named prepared statements for the queries the app prepares (the lookup, the key check, the rate-limit take):
   * planned once per connection instead of on every call. Default true; false behind a pooler in transaction mode
   * that cannot carry them from one server connection to the next (PgBouncer before 1.21).
   */
  preparedStatements?: boolean;
  /**
   * Lookups read from a synchronous standby of this primary: transactions commit with remote_apply, and a COMMIT
   * the standby does not confirm within the statement timeout is a 503 (db/guarded-sql.ts, ReplicatedCommits).
   */
  replicated?: boolean;
  /** Told when the database stops or starts answering, for the log. */
  onAvailabilityChange?: (up: boolean, failure: DatabaseUnavailableError | undefined) => void;
};

export function openRawClient(target: DatabaseTarget, options: DatabaseOptions = {}): RawClient {
  if ("url" in target) return openPostgres(target.url, options);
  if ("dataDir" in target) {
    // PGlite does not create parent folders.
    mkdirSync(target.dataDir, { recursive: true });
    const release = lockDataDir(target.dataDir);
    try {
      return { driver: "pglite", pglite: new PGlite(target.dataDir), release };
    } catch (error) {
      release();
      throw error;
    }
  }
  return { driver: "pglite", pglite: new PGlite() };
}

function openPostgres(url: string, options: DatabaseOptions): RawClient {
  const deadlineMs = options.deadlineMs ?? 1_000;
  const statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
  const max = options.max ?? 10;
  const connect = (size: number) =>
    // Our sockets, which close at once when they fail (db/pg-socket.ts); postgres.js's types do not list the option.
    // Over TLS postgres.js opens its own, without that fix.
    postgres(url, Object.assign(wantsTls(url) ? {} : { socket: createSocketFactory() }, {
      max: size,
      connect_timeout: deadlineMs / 1000,
      idle_timeout: 60,
      // postgres.js waits up to 20 s between reconnects by default, and queued queries wait with it. The gate keeps
      // traffic off a down database, so reconnecting promptly costs little.
      backoff: (attempt: number) => Math.min(0.01 * 2 ** attempt, 0.2),
      // The server ends a statement or an idle transaction that runs away, and says so (57014), which is a 503.
      connection: {
        application_name: "mimi-discovery",
        statement_timeout: statementTimeoutMs,
        idle_in_transaction_session_timeout: statementTimeoutMs * 2,
      },
      onnotice: () => {},
      // Behind a pooler that hands the next transaction to another server connection, a named statement prepared
      // on one is missing on the next. (postgres.js's own COMMIT and ROLLBACK are never prepared: see
      // scripts/patch-dependencies.mjs, and test/pooler/app-behind-pgbouncer.test.ts for both settings.)
      prepare: options.preparedStatements ?? true,
    }));
  let pool = connect(max);
  const permits = createPermits(max);
  const gate = createAvailabilityGate({
    // A connection of its own: the pool's connections may be wedged by what the outage did to them.
    probe: async () => {
      const probe = connect(1);
      try {
        await Promise.race([
          probe.unsafe("select 1"),
          new Promise((_, reject) => setTimeout(() => reject(new Error("probe timed out")), deadlineMs).unref()),
        ]);
      } finally {
        void probe.end({ timeout: 0 });
      }
      // postgres.js does not always recover its own connections from a lost server (a connection that closed with a
      // write pending never sends again): after an outage the DP starts from a fresh pool. Calls still held by the
      // old one are ended, and answered 503.
      const old = pool;
      pool = connect(max);
      // drizzle registered its type parsers on the pool it was given.
      Object.assign(pool.options.parsers, old.options.parsers);
      Object.assign(pool.options.serializers, old.options.serializers);
      void old.end({ timeout: 0 });
    },
    ...(options.onAvailabilityChange ? { onChange: options.onAvailabilityChange } : {}),
  });
  const replicated: ReplicatedCommits | undefined = options.replicated
    ? {
        commitDeadlineMs: statementTimeoutMs,
        // On a connection of its own: the pool's may all be waiting for the standby. Only while that backend still
        // waits for the standby in that transaction, so a later transaction on the connection is never cancelled.
        cancelWait: async ({ pid, xid }) => {
          const canceller = connect(1);
          try {
            await canceller.unsafe("select pg_cancel_backend(pid) from pg_stat_activity where pid = $1 and backend_xid = $2::xid and wait_event = 'SyncRep'", [pid, xid]);
          } finally {
            void canceller.end({ timeout: 0 });
          }
        },
      }
    : undefined;
  const guarded = guardSql(() => pool, { gate, permits, deadlineMs, answerDeadlineMs: statementTimeoutMs + 1_000, ...(replicated ? { replicated } : {}) });
  return {
    driver: "postgres",
    get sql() {
      return pool;
    },
    guarded,
    gate,
    url,
  };
}

export function wrapClient(client: RawClient): Database {
  return client.driver === "postgres"
    ? (drizzlePostgres(client.guarded, { schema }) as unknown as Database)
    : (drizzlePglite(client.pglite, { schema }) as unknown as Database);
}

export async function closeRawClient(client: RawClient): Promise<void> {
  if (client.driver === "postgres") {
    client.gate.close();
    await client.sql.end({ timeout: 5 });
  }
  else {
    try {
      await client.pglite.close();
    } finally {
      client.release?.();
    }
  }
}
