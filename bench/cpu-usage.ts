import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time spent by groups of processes during a phase, from Linux's /proc/<pid>/stat (utime + stime, in clock
 * ticks of 1/100 s). The bench's processes share the machine's cores, so requests per second alone cannot say what
 * one lookup costs each part; CPU seconds per lookup can, and turn into lookups per core of each part.
 */
const TICKS_PER_SECOND = 100;

export type CpuGroups = Record<string, () => number[]>;
export type CpuSnapshot = Map<number, { group: string; ticks: number }>;
export type CpuUsage = Record<string, number>;

/** utime + stime of a process in ticks, or undefined when it is gone. Fields 14 and 15, counted after the name. */
function ticksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Every process whose command name (/proc/<pid>/comm) is `name`: PostgreSQL's backends are all "postgres". */
export function processesNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) pids.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return pids;
}

/** A process and its descendants (an app's cluster workers), from each process's parent in /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone between the listing and the read.
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]!) ?? []));
  return tree;
}

export function snapshotCpu(groups: CpuGroups): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const [group, pids] of Object.entries(groups)) {
    for (const pid of pids()) {
      const ticks = ticksOf(pid);
      if (ticks !== undefined && !snapshot.has(pid)) snapshot.set(pid, { group, ticks });
    }
  }
  return snapshot;
}

/**
 * CPU seconds per group between two snapshots. A process that started in between counts from zero; one that ended
 * is lost (its last ticks are unknown), which only PostgreSQL's short-lived backends could do, and the bench's
 * connections live through a phase.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  const usage: CpuUsage = {};
  for (const [pid, { group, ticks }] of after) {
    const spent = ticks - (before.get(pid)?.ticks ?? 0);
    usage[group] = (usage[group] ?? 0) + spent / TICKS_PER_SECOND;
  }
  return usage;
}

/**
 * A window for runLoad: snapshots the groups when the measured phase opens and closes, and reports each group's CPU
 * seconds and its milliseconds per unit of work (a lookup, or an identifier of a batch).
 */
export function cpuWindow(groups: CpuGroups): { open: () => void; close: () => void; perUnit: (units: number) => CpuReport } {
  let before: CpuSnapshot | undefined;
  let usage: CpuUsage = {};
  return {
    open: () => {
      before = snapshotCpu(groups);
    },
    close: () => {
      if (before) usage = cpuBetween(before, snapshotCpu(groups));
    },
    perUnit: (units) => ({
      seconds: Object.fromEntries(Object.entries(usage).map(([group, seconds]) => [group, Number(seconds.toFixed(2))])),
      msPerUnit: Object.fromEntries(Object.entries(usage).map(([group, seconds]) => [group, units > 0 ? Number(((seconds * 1000) / units).toFixed(4)) : null])),
    }),
  };
}

export type CpuReport = { seconds: Record<string, number>; msPerUnit: Record<string, number | null> };
