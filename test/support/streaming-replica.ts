import { execFile } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { freePort } from "./api-server";

const run = promisify(execFile);

/** The standby's application_name: what synchronous_standby_names and DATABASE_REPLICA_NAME call it. */
export const STANDBY_NAME = "replica1";

export type Server = {
  port: number;
  /** A URL of one of its databases (postgres by default). */
  url: (database?: string) => string;
  /** One statement as the superuser, on a connection of its own. */
  query: (statement: string, database?: string) => Promise<postgres.Row[]>;
};

export type StreamingReplica = {
  primary: Server;
  replica: Server;
  /** Stops the primary (fast shutdown); startPrimary brings it back, and the standby reconnects by itself. */
  stopPrimary: () => Promise<void>;
  startPrimary: () => Promise<void>;
  /** Stops the standby (fast shutdown); startReplica brings it back on the same folder and port. */
  stopReplica: () => Promise<void>;
  startReplica: () => Promise<void>;
  /** Ends recovery: the standby becomes a primary of its own, and stops following. */
  promoteReplica: () => Promise<void>;
  /** The primary's synchronous_standby_names, reloaded ('' makes the standby asynchronous). */
  setSynchronousStandbyNames: (value: string) => Promise<void>;
  stop: () => Promise<void>;
};

/** The newest installed PostgreSQL's programs (Debian's layout), or undefined when there are none. */
function findBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((version) => existsSync(path.join(root, version, "bin", "pg_basebackup"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : undefined;
}

export const streamingReplicaAvailable = (): boolean => findBinaries() !== undefined;

/**
 * A primary and its streaming standby of the test's own, on loopback spare ports in a temporary folder: initdb,
 * the primary started with synchronous_standby_names naming the standby, a pg_basebackup -R of it started as the
 * standby. As root everything runs as the postgres user (initdb and postgres refuse root). `stop` removes it all;
 * call it in afterAll even when start failed half-way (it stops what was started). Tests run without fsync;
 * `durable` keeps PostgreSQL's defaults, for measuring what a commit costs.
 */
export async function startStreamingReplica(options: { durable?: boolean } = {}): Promise<StreamingReplica> {
  const bin = findBinaries();
  if (!bin) throw new Error("no PostgreSQL programs under /usr/lib/postgresql");
  const folder = mkdtempSync(path.join(tmpdir(), "mimi-replica-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout: user } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    chownSync(folder, Number(user.trim()), Number(group.trim()));
  }
  const pg = (program: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]) : run(path.join(bin, program), args));
  const primaryData = path.join(folder, "primary");
  const replicaData = path.join(folder, "replica");
  const started: string[] = [];
  const ctl = async (data: string, port: number, action: "start" | "stop" | "promote") => {
    if (action === "start") {
      await pg("pg_ctl", ["-D", data, "-l", `${data}.log`, "-w", "-t", "60", "-o", `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1`, "start"]);
      if (!started.includes(data)) started.push(data);
    } else if (action === "stop") {
      await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    } else {
      await pg("pg_ctl", ["-D", data, "-w", "promote"]);
    }
  };
  const server = (port: number): Server => {
    const url = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`;
    return {
      port,
      url,
      query: async (statement, database) => {
        const sql = postgres(url(database), { max: 1, onnotice: () => {}, connect_timeout: 10 });
        try {
          return await sql.unsafe(statement);
        } finally {
          await sql.end({ timeout: 1 });
        }
      },
    };
  };

  const stop = async () => {
    for (const data of started.reverse()) await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await pg("initdb", ["-D", primaryData, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
    const primaryPort = await freePort();
    // Small and quick: the test machine has two cores and other servers beside this pair.
    appendFileSync(
      path.join(primaryData, "postgresql.conf"),
      ["wal_level = replica", "max_wal_senders = 4", `synchronous_standby_names = '${STANDBY_NAME}'`, "shared_buffers = 16MB", "wal_sender_timeout = 5s", ...(options.durable ? [] : ["fsync = off", "full_page_writes = off"]), ""].join("\n"),
    );
    await ctl(primaryData, primaryPort, "start");
    await pg("pg_basebackup", ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", replicaData, "-R", "-X", "stream", "--no-sync"]);
    const replicaPort = await freePort();
    // pg_basebackup -R wrote standby.signal and a primary_conninfo; this one names the standby, and wins (later).
    // The copied postgresql.conf names the standby as its own synchronous standby: once promoted, it would wait.
    appendFileSync(
      path.join(replicaData, "postgresql.auto.conf"),
      [`primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=${STANDBY_NAME}'`, "synchronous_standby_names = ''", "hot_standby = on", "wal_receiver_status_interval = 1s", "hot_standby_feedback = on", ""].join("\n"),
    );
    await ctl(replicaData, replicaPort, "start");
    const primary = server(primaryPort);
    const replica = server(replicaPort);
    // Ready when the primary counts it as its synchronous standby: before that, every commit would wait.
    await until(async () => (await primary.query(`select 1 from pg_stat_replication where application_name = '${STANDBY_NAME}' and state = 'streaming' and sync_state = 'sync'`)).length === 1);
    return {
      primary,
      replica,
      stopPrimary: () => ctl(primaryData, primaryPort, "stop"),
      startPrimary: () => ctl(primaryData, primaryPort, "start"),
      stopReplica: () => ctl(replicaData, replicaPort, "stop"),
      startReplica: () => ctl(replicaData, replicaPort, "start"),
      promoteReplica: () => ctl(replicaData, replicaPort, "promote"),
      setSynchronousStandbyNames: async (value) => {
        await primary.query(`alter system set synchronous_standby_names = '${value.replaceAll("'", "''")}'`);
        await primary.query("select pg_reload_conf()");
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits for a condition the servers reach by themselves (a standby connecting, a monitor noticing). */
export async function until(condition: () => boolean | Promise<boolean>, what = "the condition", limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
