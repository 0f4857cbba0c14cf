import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { connect } from "node:net";
import { freePort } from "./api-server";

const run = promisify(execFile);
const BINARY = "/usr/sbin/pgbouncer";

export const pgbouncerAvailable = (): boolean => existsSync(BINARY);

/**
 * Debian's PgBouncer in transaction mode on a spare port, in front of a PostgreSQL server, with a configuration
 * and PID file of the test's own (never a system service). It refuses to run as root, so as root it runs as postgres.
 */
export async function startPgbouncer(
  target: { host?: string; port: number },
  options: { serverConnections?: number } = {},
): Promise<{ port: number; stop: () => Promise<void> }> {
  const folder = mkdtempSync(path.join(tmpdir(), "mimi-pgbouncer-"));
  const port = await freePort();
  const pidFile = path.join(folder, "pgbouncer.pid");
  writeFileSync(path.join(folder, "users.txt"), '"postgres" ""\n');
  writeFileSync(
    path.join(folder, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${target.host ?? "127.0.0.1"} port=${target.port}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${path.join(folder, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${options.serverConnections ?? 20}`,
      "ignore_startup_parameters = extra_float_digits,statement_timeout,idle_in_transaction_session_timeout",
      `pidfile = ${pidFile}`,
      `logfile = ${path.join(folder, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout: user } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    for (const file of ["", "users.txt", "pgbouncer.ini"]) chownSync(path.join(folder, file), Number(user.trim()), Number(group.trim()));
  }
  const args = ["-d", path.join(folder, "pgbouncer.ini")];
  await (asRoot ? run("runuser", ["-u", "postgres", "--", BINARY, ...args]) : run(BINARY, args));
  // -d returns once it has forked, before the daemon listens and writes its PID file.
  await waitUntilListening(port, pidFile);
  return {
    port,
    stop: async () => {
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      if (pid > 0) process.kill(pid, "SIGTERM");
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function waitUntilListening(port: number, pidFile: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => resolve(true)).once("error", () => resolve(false));
      socket.unref();
    }).finally(() => {});
    if (open && existsSync(pidFile)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`PgBouncer did not listen on 127.0.0.1:${port} within 10 s`);
}
