import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { generateApiKey } from "@/lib/api-keys/api-key-format";
import { spawnServer, type SpawnedServer } from "@/test/support/spawn-server";

/**
 * Every core: the production server with WEB_CONCURRENCY=2 on a real PostgreSQL, as a supervisor runs it. The
 * workers keep the limits and key contract of separate instances; a crashed worker is replaced while the other
 * serves; SIGTERM drains them all. Needs TEST_DATABASE_URL (CI sets it): the embedded database is one process's.
 */
const serverUrl = process.env.TEST_DATABASE_URL;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** One lookup on a connection of its own, so that the primary hands each to the next worker. */
function lookup(port: number, key: string, csi = "nobody@example.com"): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ csi });
    const req = httpRequest(
      { host: "127.0.0.1", port, path: "/api/v1/lookup", method: "POST", agent: false, headers: { "content-type": "application/json", authorization: `Bearer ${key}`, connection: "close" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** GET /metrics on a connection of its own, so that successive scrapes meet different workers. */
function scrape(port: number, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/metrics", agent: false, headers: { authorization: `Bearer ${token}`, connection: "close" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

const sample = (text: string, series: string) => Number(text.split("\n").find((line) => line.startsWith(`${series} `))?.slice(series.length + 1) ?? Number.NaN);

function workerPids(primary: number): number[] {
  const out = execFileSync("ps", ["--ppid", String(primary), "-o", "pid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((line) => line.includes("server.ts"))
    .map((line) => Number(line.trim().split(/\s+/u)[0]));
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

test.describe("WEB_CONCURRENCY workers", () => {
  test.skip(!serverUrl, "needs TEST_DATABASE_URL");
  let server: SpawnedServer | undefined;
  let sql: postgres.Sql | undefined;
  let drop: (() => Promise<void>) | undefined;
  test.afterEach(async () => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
    await sql?.end();
    await drop?.();
  });

  test("share limits and key revocations, survive a crashed worker, and drain on SIGTERM", async () => {
    test.setTimeout(180_000);
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    const name = `mimi_e2e_cluster_${randomBytes(4).toString("hex")}`;
    await admin.unsafe(`create database ${name}`);
    drop = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
    const url = new URL(serverUrl!);
    url.pathname = `/${name}`;
    const port = await freePort();
    const metricsToken = randomBytes(24).toString("hex");
    server = spawnServer({ PORT: String(port), DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-cluster-")), DATABASE_URL: url.toString(), WEB_CONCURRENCY: "2", METRICS_TOKEN: metricsToken });
    const started = server;
    await expect.poll(() => count(started.output(), "listening on"), { timeout: 90_000 }).toBe(2);
    expect(started.output()).toContain("cluster: starting 2 workers");

    sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    // Two instances, each listening for key changes on its own connection.
    await expect.poll(async () => (await sql!`select count(*)::int as n from pg_stat_activity where application_name = 'mimi-discovery key changes' and datname = current_database()`)[0]!.n).toBe(2);
    // A slow refill leases nothing (lib/rate-limit/leased-bucket-store.ts): the workers share the bucket exactly.
    await sql`insert into msps (id, display_name, lookup_burst, lookup_refill_per_second) values ('cluster.example', 'Cluster', 30, 0.001)`;
    const { key, prefix, hash } = generateApiKey("msp");
    await sql`insert into api_keys (owner_kind, msp_id, label, prefix, key_hash, created_at) values ('msp', 'cluster.example', 'e2e', ${prefix}, ${hash}, now())`;

    const statuses: number[] = [];
    for (let i = 0; i < 32; i += 1) statuses.push(await lookup(port, key));
    expect(statuses.filter((status) => status === 200)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429]);

    // Revoked with a plain UPDATE: both workers had the key cached; once one refuses it, every later request is refused.
    const second = generateApiKey("msp");
    await sql`insert into msps (id, display_name, lookup_burst, lookup_refill_per_second) values ('cluster-two.example', 'Cluster two', 10000, 1000)`;
    await sql`insert into api_keys (owner_kind, msp_id, label, prefix, key_hash, created_at) values ('msp', 'cluster-two.example', 'e2e', ${second.prefix}, ${second.hash}, now())`;
    for (let i = 0; i < 4; i += 1) expect(await lookup(port, second.key)).toBe(200);
    await sql`update api_keys set revoked_at = now() where key_hash = ${second.hash}`;
    const afterRevoke: number[] = [];
    while (afterRevoke.length < 50 && !afterRevoke.includes(401)) afterRevoke.push(await lookup(port, second.key));
    expect(afterRevoke).toContain(401);
    for (let i = 0; i < 10; i += 1) expect(await lookup(port, second.key)).toBe(401);

    // One scrape is the instance's, whichever worker takes it: both workers' counters summed by the primary.
    const answered = [...statuses, 200, 200, 200, 200, ...afterRevoke];
    const scrapes = [];
    for (let i = 0; i < 4; i += 1) scrapes.push(await scrape(port, metricsToken));
    expect(scrapes.map((text) => sample(text, 'mimi_api_requests_total{route="lookup",status="200"}'))).toEqual(Array(4).fill(answered.filter((status) => status === 200).length));
    expect(scrapes.map((text) => sample(text, 'mimi_api_requests_total{route="lookup",status="429"}'))).toEqual([2, 2, 2, 2]);

    // A worker killed: the other serves meanwhile, and the primary starts a replacement.
    const third = generateApiKey("msp");
    await sql`insert into api_keys (owner_kind, msp_id, label, prefix, key_hash, created_at) values ('msp', 'cluster-two.example', 'e2e', ${third.prefix}, ${third.hash}, now())`;
    const [victim] = workerPids(started.child.pid!);
    process.kill(victim!, "SIGKILL");
    await expect.poll(() => started.output()).toContain(`worker ${victim} stopped (signal SIGKILL); starting another`);
    for (let i = 0; i < 6; i += 1) expect(await lookup(port, third.key)).toBe(200);
    await expect.poll(() => count(started.output(), "listening on"), { timeout: 90_000 }).toBe(3);
    expect(workerPids(started.child.pid!)).toHaveLength(2);

    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
    // Each worker's own line, besides the primary's.
    expect(started.output().split("\n").filter((line) => line === "stopped cleanly")).toHaveLength(2);
    // The workers that served cluster-two.example gave their unspent leases back.
    expect(started.output()).toMatch(/leased lookup tokens: [1-9]\d* given back/u);
    expect(started.output()).toContain("cluster: all workers stopped cleanly");
  });
});
