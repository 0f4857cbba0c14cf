import { hostname } from "node:os";
import path from "node:path";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

export const LOCK_FILE = "mimi-discovery.lock";

type Holder = { pid: number; host: string; started: string };

/** The folder is another process's: the message names the folder and who holds it. */
export class DataDirLockedError extends Error {
  readonly code = "DATA_DIR_LOCKED";

  constructor(
    readonly dataDir: string,
    readonly holder: Holder | undefined,
  ) {
    const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.started}` : "another process";
    super(
      `The embedded database in ${dataDir} is in use by ${who}. PGlite opens a folder from one process at a time: ` +
        `stop that process, or give this one its own DATA_DIR (or a DATABASE_URL). If no such process exists, delete ` +
        `${path.join(dataDir, LOCK_FILE)}.`,
    );
    this.name = "DataDirLockedError";
  }
}

// Folders this process holds, so that a second open in the same process is refused too, while a lock left by an
// earlier process that had our pid (a restarted container is pid 1 again) is recognised as stale.
const held = new Set<string>();

/**
 * Takes the embedded database's folder for this process, or throws DataDirLockedError. Two processes on one PGlite
 * folder each see only their own writes, and one's are lost when both stop. The lock is a file created exclusively;
 * one whose process is gone (on this host) is stale and taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  if (held.has(dir)) throw new DataDirLockedError(dir, readHolder(file));
  const mine: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const text = JSON.stringify(mine);
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(file, text, { flag: "wx", mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const holder = readHolder(file);
      if (holder && !isStale(holder)) throw new DataDirLockedError(dir, holder);
      setAside(file, dir, holder);
    }
  }
  held.add(dir);
  const release = () => {
    if (!held.delete(dir)) return;
    // Only our own lock: never one another process took over.
    if (readHolderText(file) === text) rmSync(file, { force: true });
  };
  process.once("exit", release);
  return release;
}

function readHolderText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readHolderText(file) ?? "") as Partial<Holder>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string" ? { pid: parsed.pid, host: parsed.host, started: String(parsed.started) } : undefined;
  } catch {
    return undefined;
  }
}

/** Stale when its process is gone. A lock from another host cannot be checked from here, so it holds. */
function isStale(holder: Holder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Moves a stale (or unreadable) lock out of the way. Atomic, and checked: if another process replaced the stale lock
 * with its own in the meantime, that one is put back and this process refuses.
 */
function setAside(file: string, dir: string, judged: Holder | undefined): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = readHolder(aside);
  if (judged && moved && (moved.pid !== judged.pid || moved.started !== judged.started)) {
    renameSync(aside, file);
    throw new DataDirLockedError(dir, moved);
  }
  rmSync(aside, { force: true });
}
