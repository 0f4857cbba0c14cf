import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SeedMessage, SeedTask } from "./seed-worker";

export type SeedStats = {
  mappings: number;
  groups: number;
  workers: number;
  perPasskey: number;
  seconds: number;
  mappingsPerSecond: number;
};

const workerFile = fileURLToPath(new URL("./seed-worker.ts", import.meta.url));

/**
 * Seeds N mappings with `workers` processes (forked with tsx, so each signs on its own core). Prints progress
 * every few seconds. Any worker's failure stops the others and fails the seed. `track` lets the caller stop the
 * workers on SIGINT.
 */
export async function seedMappings(options: {
  databaseUrl: string;
  authSecret: string;
  issuer: string;
  n: number;
  perPasskey: number;
  workers: number;
  ttlDays: number;
  track: (child: ChildProcess) => void;
}): Promise<SeedStats> {
  const groupCount = Math.ceil(options.n / options.perPasskey);
  const workers = Math.max(1, Math.min(options.workers, groupCount));
  const now = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const started = performance.now();
  const done = new Array<number>(workers).fill(0);
  const groupsDone = new Array<number>(workers).fill(0);
  let lastPrint = started;

  const report = (force = false) => {
    const at = performance.now();
    if (!force && at - lastPrint < 3000) return;
    lastPrint = at;
    const total = done.reduce((sum, value) => sum + value, 0);
    const seconds = (at - started) / 1000;
    const rate = total / Math.max(seconds, 1e-9);
    const eta = rate > 0 ? (options.n - total) / rate : Infinity;
    console.log(
      `  seeded ${total.toLocaleString("en-US")} / ${options.n.toLocaleString("en-US")} (${Math.round(rate).toLocaleString("en-US")}/s, ` +
        `${seconds.toFixed(0)} s elapsed${total < options.n && Number.isFinite(eta) ? `, ~${eta.toFixed(0)} s left` : ""})`,
    );
  };

  const children: ChildProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: workers }, (_, worker) => {
        const child = fork(workerFile, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
        children.push(child);
        options.track(child);
        const { databaseUrl, authSecret, issuer, n, perPasskey, ttlDays } = options;
        const task: SeedTask = { databaseUrl, authSecret, issuer, n, perPasskey, ttlDays, worker, workers, now };
        return new Promise<void>((resolve, reject) => {
          let finished = false;
          child.on("message", (message: SeedMessage) => {
            if (message.type === "error") {
              finished = true;
              reject(new Error(`seed worker ${worker} failed: ${message.message}`));
            } else {
              done[worker] = message.mappings;
              groupsDone[worker] = message.groups;
              if (message.type === "done") {
                finished = true;
                resolve();
              } else report();
            }
          });
          child.on("error", reject);
          child.on("exit", (code, signal) => {
            if (!finished) reject(new Error(`seed worker ${worker} exited (${signal ?? `code ${code}`}) before finishing`));
          });
          child.send(task);
        });
      }),
    );
  } finally {
    // On failure: stop the workers still running. On success they have exited already.
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
  report(true);
  const seconds = (performance.now() - started) / 1000;
  const mappings = done.reduce((sum, value) => sum + value, 0);
  if (mappings !== options.n) throw new Error(`seeding wrote ${mappings} mappings, expected ${options.n}`);
  return {
    mappings,
    groups: groupsDone.reduce((sum, value) => sum + value, 0),
    workers,
    perPasskey: options.perPasskey,
    seconds,
    mappingsPerSecond: mappings / seconds,
  };
}
