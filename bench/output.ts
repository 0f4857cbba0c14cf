import { readFileSync } from "node:fs";
import type { LoadResult } from "./load";
import type { TimedResult } from "./timed-loop";

/** How a run prints its progress: one step heading at a time, figures rounded the same way everywhere. */
export const step = (text: string) => console.log(`\n== ${text}`);
export const number = (value: number) => Math.round(value).toLocaleString("en-US");

/** The last lines of a server's log, shown when its phase had errors. */
export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export function describeLoad(result: LoadResult, batchSize?: number): string {
  const perSecond = batchSize ? `${number(result.okPerSecond * batchSize)} identifiers/s (${result.okPerSecond.toFixed(1)} batches/s)` : `${number(result.okPerSecond)} req/s`;
  const { p50Ms, p90Ms, p99Ms } = result.latency;
  return `${result.target}: ${perSecond}, p50 ${p50Ms.toFixed(2)} ms, p90 ${p90Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms, ${result.requests} requests, ${result.errors} errors`;
}

export function describeTimed(result: TimedResult, unit: string): string {
  const { p50Ms, p90Ms, p99Ms } = result.latency;
  return `${result.target}: ${number(result.okPerSecond)} ${unit}/s, p50 ${p50Ms.toFixed(2)} ms, p90 ${p90Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms, ${result.operations} operations, ${result.errors} errors`;
}
