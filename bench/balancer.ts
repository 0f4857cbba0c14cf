import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, type ServerProcess } from "./servers";

/**
 * HAProxy in front of the app instances, with the README's configuration (deploy/haproxy/haproxy.cfg, which
 * test/faults/haproxy.test.ts runs too): readiness checks on /api/health/ready every second, lookups balanced
 * leastconn and retried on another instance, everything else (the publish phase's server actions) roundrobin and
 * retried only when the connection never reached an instance, the problem-document error files. Changed for the
 * bench, and only this: it listens on plain HTTP on loopback (no TLS to end here, so no X-Forwarded-Proto), its
 * servers are the bench's instances, and it logs only requests that went wrong (`option dontlog-normal`: a line
 * per request would cost the CPU the phases measure). Debian's /usr/sbin/haproxy, in the foreground as our child:
 * never the system's service.
 */
export const HAPROXY = "/usr/sbin/haproxy";
const deploy = path.join(repoRoot, "deploy", "haproxy");

export function balancerConfig(options: { port: number; instancePorts: readonly number[] }): string {
  const servers = options.instancePorts.map((port, index) => `  server dp${index + 1} 127.0.0.1:${port} check`);
  const lines = [`# Written by npm run bench from deploy/haproxy/haproxy.cfg for ${options.instancePorts.length} instances on loopback (bench/balancer.ts).`];
  let header = true;
  for (const line of readFileSync(path.join(deploy, "haproxy.cfg"), "utf8").split("\n")) {
    const setting = line.trim();
    // The example's opening comment is about installing it in /etc/haproxy: not this file's story.
    if (header && setting.startsWith("#")) continue;
    header = false;
    if (/^server dp\d+ /u.test(setting)) continue;
    if (setting.startsWith("http-request set-header X-Forwarded-Proto")) continue;
    if (setting.startsWith("bind ")) {
      lines.push(`  bind 127.0.0.1:${options.port}`);
      continue;
    }
    lines.push(line.replaceAll("/etc/haproxy/errors/", `${path.join(deploy, "errors")}/`));
    // Only what went wrong (an error status, a connection closed or timed out), into the bench's HAProxy log.
    if (setting === "option httplog") lines.push("  option dontlog-normal");
    if (setting.startsWith("default-server ")) lines.push(...servers);
  }
  const config = lines.join("\n");
  // The example's addresses and paths must all be gone, or HAProxy would send traffic somewhere else.
  const leftover = config.split("\n").filter((line) => !line.trimStart().startsWith("#") && /10\.0\.0\.|\/etc\/haproxy|ssl crt/u.test(line));
  if (leftover.length > 0) throw new Error(`the HAProxy configuration still names the README's example: ${leftover.join("; ")}`);
  if ((config.match(/^\s*server dp/gmu) ?? []).length !== 2 * options.instancePorts.length) throw new Error("deploy/haproxy/haproxy.cfg no longer has two backends with a default-server line each");
  return config;
}

/**
 * Writes the configuration to a temp folder, starts HAProxy (`-db`: in the foreground, so `track` can stop it with
 * the rest), checks the configuration first (`-c`) so a bad one is a clear error, and waits until it answers
 * /api/health/ready through an instance.
 */
export async function startBalancer(options: { port: number; instancePorts: readonly number[]; logFile: string; track: (child: ChildProcess) => void }): Promise<ServerProcess & { configFile: string }> {
  if (!existsSync(HAPROXY)) throw new Error(`--instances above 1 needs HAProxy at ${HAPROXY} (apt-get install -y haproxy)`);
  const folder = mkdtempSync(path.join(tmpdir(), "mimi-bench-haproxy-"));
  const configFile = path.join(folder, "haproxy.cfg");
  // Gone with the run however it ends, Ctrl-C included (run.ts exits from its signal handler).
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  process.once("exit", removeFolder);
  writeFileSync(configFile, balancerConfig(options));
  const check = spawn(HAPROXY, ["-c", "-q", "-f", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  const output: Buffer[] = [];
  check.stdout!.on("data", (chunk: Buffer) => output.push(chunk));
  check.stderr!.on("data", (chunk: Buffer) => output.push(chunk));
  const valid = await new Promise<number | null>((resolve) => check.on("exit", resolve));
  if (valid !== 0) throw new Error(`HAProxy refuses the configuration ${configFile}: ${Buffer.concat(output).toString("utf8").trim()}`);

  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(HAPROXY, ["-db", "-f", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  options.track(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let exited: string | undefined;
  child.on("exit", (code, signal) => (exited = signal ?? `code ${code}`));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      // SIGUSR1 is HAProxy's graceful stop; by now no request is in flight, so SIGTERM (stop at once) is enough.
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    }
    log.end();
    removeFolder();
  };

  const url = `http://127.0.0.1:${options.port}/api/health/ready`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`HAProxy exited (${exited}) before answering ${url}; see ${options.logFile}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`HAProxy did not answer ${url} within 30 s; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { name: "HAProxy", child, logFile: options.logFile, configFile, stop };
}
