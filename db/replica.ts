import type postgres from "postgres";
import type { DatabaseReplicaConfig } from "@/env";
import { closeRawClient, openRawClient, wrapClient, type Database, type DatabaseOptions, type RawClient } from "./client";
import { createReplicaMonitor, type ReplicaMonitor } from "./replica-monitor";
import type { PrimaryFacts, ReplicaFacts } from "./replica-health";

/** A streaming standby lookups may read from, with this process's monitor of whether they may, now. */
export type Replica = { name: string; db: Database; raw: RawClient; monitor: ReplicaMonitor; close: () => Promise<void> };

type Guarded = Extract<RawClient, { driver: "postgres" }>;

/**
 * Opens the standby's own pool (with the same deadlines as the primary's, so a standby that is down is refused at
 * once by its own availability gate) and starts the monitor. The primary is asked through its guarded client, so a
 * primary that is down makes checks fail and the standby unused.
 */
export function openReplica(config: DatabaseReplicaConfig, primary: RawClient, options: DatabaseOptions & { intervalMs?: number; onReplicaChange?: (usable: boolean, reason: string | undefined) => void } = {}): Replica {
  if (primary.driver !== "postgres") throw new Error("A replica needs a PostgreSQL primary (DATABASE_URL)");
  const raw = openRawClient({ url: config.url }, options) as Guarded;
  const intervalMs = options.intervalMs ?? 1_000;
  // A check that takes longer than this is a bad check: the standby must answer promptly to serve. Never under a
  // second, so that a busy moment of a server checked often does not take the standby out.
  const checkTimeoutMs = Math.max(intervalMs, 1_000);
  const monitor = createReplicaMonitor({
    name: config.name,
    maxLagMs: config.maxLagMs,
    intervalMs,
    readPrimary: () => withinMs(readPrimaryFacts(primary.guarded, config.name), checkTimeoutMs),
    readReplica: () => withinMs(readReplicaFacts(raw.guarded), checkTimeoutMs),
    ...(options.onReplicaChange ? { onChange: options.onReplicaChange } : {}),
  });
  void monitor.check();
  return {
    name: config.name,
    db: wrapClient(raw),
    raw,
    monitor,
    close: async () => {
      monitor.close();
      await closeRawClient(raw);
    },
  };
}

async function readPrimaryFacts(sql: postgres.Sql, name: string): Promise<PrimaryFacts> {
  // Without pg_read_all_stats (or superuser) the state columns read null: the standby is then never used.
  const [row] = await sql.unsafe(
    `select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as lsn, current_setting('synchronous_standby_names') as names, r.state, r.sync_state
       from (select 1) as one
       left join lateral (select state, sync_state from pg_stat_replication where application_name = $1 order by backend_start desc limit 1) as r on true`,
    [name],
  );
  return {
    lsn: BigInt(String(row!.lsn).split(".")[0]!),
    synchronousStandbyNames: String(row!.names),
    standby: row!.state === null && row!.sync_state === null ? undefined : { state: String(row!.state), syncState: String(row!.sync_state) },
  };
}

async function readReplicaFacts(sql: postgres.Sql): Promise<ReplicaFacts> {
  const [row] = await sql.unsafe("select pg_is_in_recovery() as recovery, pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::text as replay");
  return { inRecovery: row!.recovery === true, replayLsn: row!.replay === null ? undefined : BigInt(String(row!.replay).split(".")[0]!) };
}

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the check took too long")), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error("check failed"));
      },
    );
  });
}
