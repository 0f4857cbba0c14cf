import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./api-server";

const run = promisify(execFile);

export type PrivatePostgres = {
  url: string;
  port: number;
  /** SIGKILL to the postmaster: the database dies as in a crash, mid-write, without a shutdown. */
  kill: () => Promise<void>;
  /** Starts it again on the same folder and port (crash recovery included); resolves once it accepts connections. */
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

/** The newest installed PostgreSQL's programs (Debian's layout), or undefined when there are none. */
function findBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((version) => existsSync(path.join(root, version, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : undefined;
}

export function privatePostgresAvailable(): boolean {
  return findBinaries() !== undefined;
}

/**
 * A PostgreSQL cluster of the test's own, on a spare port, in a folder of its own: the one database a fault test
 * may kill. initdb refuses to run as root, so as root the cluster belongs to the postgres user. Never the shared
 * server on 5432.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findBinaries();
  if (!bin) throw new Error("no PostgreSQL programs under /usr/lib/postgresql");
  const folder = mkdtempSync(path.join(tmpdir(), "mimi-pg-"));
  const data = path.join(folder, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    chownSync(folder, Number(stdout.trim()), Number(group.trim()));
  }
  const pg = (program: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]) : run(path.join(bin, program), args));
  await pg("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const start = async () => {
    // A killed postmaster's backends may hold its shared memory for a moment: then starting is refused; try again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await pg("pg_ctl", ["-D", data, "-l", path.join(folder, "log"), "-w", "-t", "30", "-o", `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1`, "start"]);
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    kill: async () => {
      const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, "SIGKILL");
      // Gone when its port refuses connections.
      for (let attempt = 0; attempt < 100 && (await accepts(port)); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    start,
    stop: async () => {
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "stop"]).catch(() => {});
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function accepts(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(!!socket.destroy()));
    socket.once("error", () => resolve(false));
  });
}
