/**
 * Whether a standby may serve lookups, judged from what the primary and the standby say of themselves. Pure, so
 * that every refusal can be tested without a cluster; db/replica-monitor.ts gathers the facts.
 *
 * The rule it keeps: a lookup read from the standby must see every write the primary acknowledged. The app commits
 * its transactions with synchronous_commit = remote_apply (db/guarded-sql.ts), so an acknowledged commit has been
 * applied by every standby the primary waited for. That only covers this standby if the primary waits for it on
 * every commit: the standby must be named in synchronous_standby_names in a way that no other standby can answer in
 * its place, streaming, and still a standby (not promoted).
 */

/** What the primary says: its WAL position and, when connected, how it sees the named standby. */
export type PrimaryFacts = {
  /** pg_current_wal_lsn() as a number of bytes. */
  lsn: bigint;
  synchronousStandbyNames: string;
  /** The standby's row of pg_stat_replication, or undefined when it is not connected. */
  standby: { state: string; syncState: string } | undefined;
};

/** What the standby says: still in recovery, and how far it has replayed. */
export type ReplicaFacts = { inRecovery: boolean; replayLsn: bigint | undefined };

/** One sample of the primary's WAL position in time: the standby's lag is measured against these. */
export type LsnSample = { at: number; lsn: bigint };

export type Verdict = { ok: true; lagMs: number } | { ok: false; reason: string };

/**
 * synchronous_standby_names as the primary reads it: `name`, `a, b` (FIRST 1), `N (a, b)` and `FIRST N (…)`,
 * `ANY N (…)`; `*` matches any standby. Names compare without case unless double-quoted, as PostgreSQL's do.
 */
export function parseStandbyNames(setting: string): { method: "first" | "any"; count: number; names: string[] } | undefined {
  const text = setting.trim();
  if (text === "") return undefined;
  const group = /^(?:(FIRST|ANY)\s+)?(\d+)\s*\((.*)\)$/isu.exec(text);
  const list = group ? group[3]! : text;
  const names = list
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => (name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase()));
  if (names.length === 0) return undefined;
  return { method: group?.[1]?.toLowerCase() === "any" ? "any" : "first", count: group ? Number(group[2]) : 1, names };
}

/**
 * True when every commit must wait for `name`: it is listed, and as many standbys must answer as are listed, so
 * none can answer for it (with `FIRST 1 (a, b)`, b answers while a is away, and a would serve what it missed).
 * A `*` entry stands for any standby, so it never pins one.
 */
export function primaryWaitsFor(setting: string, name: string): boolean {
  const parsed = parseStandbyNames(setting);
  if (!parsed || parsed.names.includes("*")) return false;
  return parsed.names.includes(name.toLowerCase()) && parsed.count >= parsed.names.length;
}

/**
 * How long the standby has been missing WAL the primary had: from the earliest sample it has not replayed to now.
 * The oldest WAL it lacks was written after the newest sample it has replayed, so this is a lower bound of its
 * staleness, and at most one sampling interval short: 0 while it keeps up.
 */
export function replayLagMs(samples: readonly LsnSample[], replayLsn: bigint, now: number): number {
  const missing = samples.find((sample) => sample.lsn > replayLsn);
  return missing ? Math.max(0, now - missing.at) : 0;
}

export function judgeReplica(options: { name: string; primary: PrimaryFacts; replica: ReplicaFacts; samples: readonly LsnSample[]; maxLagMs: number; now: number }): Verdict {
  const { primary, replica, name } = options;
  if (!primaryWaitsFor(primary.synchronousStandbyNames, name)) {
    return { ok: false, reason: `the primary's synchronous_standby_names does not make every commit wait for "${name}"` };
  }
  if (!primary.standby) return { ok: false, reason: `"${name}" is not connected to the primary (or this role may not read pg_stat_replication: grant it pg_monitor)` };
  if (primary.standby.state !== "streaming") return { ok: false, reason: `"${name}" is ${primary.standby.state}, not streaming` };
  if (primary.standby.syncState !== "sync" && primary.standby.syncState !== "quorum") {
    return { ok: false, reason: `"${name}" is ${primary.standby.syncState}, not a synchronous standby` };
  }
  if (!replica.inRecovery) return { ok: false, reason: "the replica is not in recovery (promoted, or not a standby)" };
  if (replica.replayLsn === undefined) return { ok: false, reason: "the replica has replayed nothing yet" };
  const lagMs = replayLagMs(options.samples, replica.replayLsn, options.now);
  if (lagMs > options.maxLagMs) return { ok: false, reason: `the replica's replay is ${lagMs} ms behind (more than ${options.maxLagMs} ms)` };
  return { ok: true, lagMs };
}
