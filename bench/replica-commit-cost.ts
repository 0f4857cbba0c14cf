/**
 * `npx tsx bench/replica-commit-cost.ts [seconds per run, default 3]`: what the never-a-stale-removal rule costs a
 * write. Starts a primary and a synchronous streaming standby on loopback (test/support/streaming-replica.ts, with
 * PostgreSQL's durable defaults), then runs a removal-like transaction (one row updated, two inserted, as
 * removeMappings does with its tombstone and audit row) back to back on 1 and on 4 connections, committing with
 * synchronous_commit = local (the primary's own flush), on (the standby's flush too) and remote_apply (the standby
 * has applied it: what the DP uses with DATABASE_REPLICA_URL). Prints commits/s and p50/p99 per connection.
 */
import postgres from "postgres";
import { startStreamingReplica } from "@/test/support/streaming-replica";

const seconds = Number(process.argv[2] ?? 3);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("usage: npx tsx bench/replica-commit-cost.ts [seconds per run]");
const MODES = ["local", "on", "remote_apply"] as const;
const CONNECTIONS = [1, 4];
const ROWS = 100_000;

type Run = { mode: (typeof MODES)[number]; connections: number; commits: number; perSecond: number; p50Ms: number; p99Ms: number };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(url: string, mode: Run["mode"], connections: number): Promise<Run> {
  const sql = postgres(url, { max: connections, onnotice: () => {} });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let next = Math.floor(Math.random() * ROWS);
  const worker = async () => {
    while (performance.now() < end) {
      const id = (next = (next + 7919) % ROWS) + 1;
      const started = performance.now();
      await sql.begin(async (tx) => {
        // The same first statement in every mode, as the DP sends it: only the setting differs.
        await tx`select set_config('synchronous_commit', ${mode}, true), pg_backend_pid(), pg_current_xact_id()::xid::text`;
        await tx`update bench_mappings set status = case status when 'active' then 'removed' else 'active' end, ended_at = now() where id = ${id}`;
        await tx`insert into bench_tombstones (mapping_id, signature) values (${id}, ${"x".repeat(400)})`;
        await tx`insert into bench_audit (action, subject) values ('mapping.removed', ${id})`;
      });
      latencies.push(performance.now() - started);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - began) / 1000;
  await sql.end({ timeout: 5 });
  latencies.sort((a, b) => a - b);
  return { mode, connections, commits: latencies.length, perSecond: latencies.length / elapsed, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

const cluster = await startStreamingReplica({ durable: true });
try {
  const url = cluster.primary.url();
  await cluster.primary.query(`create table bench_mappings (id int primary key, csi text not null, status text not null, ended_at timestamptz);
    insert into bench_mappings select i, 'mailto:user' || i || '@example.com', 'active', null from generate_series(1, ${ROWS}) as i;
    create table bench_tombstones (id bigserial primary key, mapping_id int not null, signature text not null, at timestamptz not null default now());
    create table bench_audit (id bigserial primary key, action text not null, subject int not null, at timestamptz not null default now());`);
  await cluster.primary.query("checkpoint");
  const runs: Run[] = [];
  for (const connections of CONNECTIONS) for (const mode of MODES) runs.push(await measure(url, mode, connections));
  const local = (connections: number) => runs.find((run) => run.mode === "local" && run.connections === connections)!;
  console.log(`removal-like write transactions, ${seconds} s per run, primary and synchronous standby on loopback (fsync on)`);
  console.log("connections  synchronous_commit  commits/s  vs local  p50 ms  p99 ms");
  for (const run of runs) {
    console.log(
      `${String(run.connections).padStart(11)}  ${run.mode.padEnd(18)}  ${run.perSecond.toFixed(0).padStart(9)}  ${(run.perSecond / local(run.connections).perSecond).toFixed(2).padStart(7)}x  ${run.p50Ms.toFixed(2).padStart(6)}  ${run.p99Ms.toFixed(2).padStart(6)}`,
    );
  }
} finally {
  await cluster.stop();
}
