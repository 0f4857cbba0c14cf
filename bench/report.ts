import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LoadResult } from "./load";

type Row = { metric: string; app: number; baseline: number; digits: number; /** true when a smaller value is better */ lowerIsBetter?: boolean };

function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(app: number, baseline: number): string {
  if (!Number.isFinite(app) || !Number.isFinite(baseline) || baseline === 0) return "n/a";
  return `${(app / baseline).toFixed(2)}x`;
}

export function comparisonRows(results: { single: { app: LoadResult; baseline: LoadResult }; batch: { app: LoadResult; baseline: LoadResult }; batchSize: number }): Row[] {
  const { single, batch, batchSize } = results;
  return [
    { metric: "single: requests/s (200 OK)", app: single.app.okPerSecond, baseline: single.baseline.okPerSecond, digits: 0 },
    { metric: "single: p50 latency (ms)", app: single.app.latency.p50Ms, baseline: single.baseline.latency.p50Ms, digits: 2, lowerIsBetter: true },
    { metric: "single: p90 latency (ms)", app: single.app.latency.p90Ms, baseline: single.baseline.latency.p90Ms, digits: 2, lowerIsBetter: true },
    { metric: "single: p99 latency (ms)", app: single.app.latency.p99Ms, baseline: single.baseline.latency.p99Ms, digits: 2, lowerIsBetter: true },
    { metric: "single: errors", app: single.app.errors, baseline: single.baseline.errors, digits: 0, lowerIsBetter: true },
    { metric: `batch ${batchSize}: requests/s (200 OK)`, app: batch.app.okPerSecond, baseline: batch.baseline.okPerSecond, digits: 1 },
    { metric: `batch ${batchSize}: identifiers/s`, app: batch.app.okPerSecond * batchSize, baseline: batch.baseline.okPerSecond * batchSize, digits: 0 },
    { metric: `batch ${batchSize}: p50 latency (ms)`, app: batch.app.latency.p50Ms, baseline: batch.baseline.latency.p50Ms, digits: 1, lowerIsBetter: true },
    { metric: `batch ${batchSize}: p90 latency (ms)`, app: batch.app.latency.p90Ms, baseline: batch.baseline.latency.p90Ms, digits: 1, lowerIsBetter: true },
    { metric: `batch ${batchSize}: p99 latency (ms)`, app: batch.app.latency.p99Ms, baseline: batch.baseline.latency.p99Ms, digits: 1, lowerIsBetter: true },
    { metric: `batch ${batchSize}: errors`, app: batch.app.errors, baseline: batch.baseline.errors, digits: 0, lowerIsBetter: true },
  ];
}

/** The table: metric | app | baseline | app/baseline (or other column names, for the private table). */
export function formatTable(rows: Row[], names: [string, string] = ["app", "baseline"]): string {
  const cells = [["metric", names[0], names[1], `${names[0]}/${names[1]}`], ...rows.map((row) => [row.metric, format(row.app, row.digits), format(row.baseline, row.digits), ratio(row.app, row.baseline)])];
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  const line = (values: string[]) => `| ${values.map((value, column) => (column === 0 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `${"-".repeat(width + 1)}-` : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join("\n");
}

export function ratios(rows: Row[]): Record<string, number | null> {
  return Object.fromEntries(rows.map((row) => [row.metric, Number.isFinite(row.app / row.baseline) && row.baseline !== 0 ? row.app / row.baseline : null]));
}

/** Writes the JSON report as bench-<timestamp>.json under `dir`; returns its path. */
export function writeReport(dir: string, startedAt: Date, report: unknown): string {
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/gu, "-");
  const file = path.join(dir, `bench-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? null : value), 2)}\n`);
  return file;
}

/** Describes one load result's errors in a line, or undefined when there were none. */
export function describeErrors(label: string, result: LoadResult): string | undefined {
  const parts = [
    ...Object.entries(result.statusErrors).map(([status, count]) => `${count} × HTTP ${status}`),
    ...(result.wrongAnswers ? [`${result.wrongAnswers} × wrong answer`] : []),
    ...Object.entries(result.networkErrors).map(([message, count]) => `${count} × ${message}`),
  ];
  if (result.warmup.errors > 0) parts.push(`${result.warmup.errors} error(s) during warm-up`);
  if (parts.length === 0) return undefined;
  const sample = result.errorSamples[0] ?? result.warmup.errorSamples[0];
  return `${label}: ${parts.join(", ")} of ${result.requests} requests${sample ? `\n    first: ${sample.replaceAll("\n", " ").slice(0, 300)}` : ""}`;
}

/** The private phase beside the direct one: the same single lookups, through the relay with a token each. */
export function privateRows(direct: LoadResult, privately: { okPerSecond: number; latency: { p50Ms: number; p90Ms: number; p99Ms: number }; errors: number }): Row[] {
  return [
    { metric: "single: requests/s (200 OK)", app: privately.okPerSecond, baseline: direct.okPerSecond, digits: 0 },
    { metric: "single: p50 latency (ms)", app: privately.latency.p50Ms, baseline: direct.latency.p50Ms, digits: 2, lowerIsBetter: true },
    { metric: "single: p90 latency (ms)", app: privately.latency.p90Ms, baseline: direct.latency.p90Ms, digits: 2, lowerIsBetter: true },
    { metric: "single: p99 latency (ms)", app: privately.latency.p99Ms, baseline: direct.latency.p99Ms, digits: 2, lowerIsBetter: true },
    { metric: "single: errors", app: privately.errors, baseline: direct.errors, digits: 0, lowerIsBetter: true },
  ];
}

/** The publish phase against the issue's target; only the rate has one (the others' target column reads n/a). */
export function publishRows(result: { okPerSecond: number; latency: { p50Ms: number; p90Ms: number; p99Ms: number }; errors: number }, targetPerSecond: number): Row[] {
  return [
    { metric: "published mappings/s", app: result.okPerSecond, baseline: targetPerSecond, digits: 0 },
    { metric: "publish: p50 latency (ms)", app: result.latency.p50Ms, baseline: NaN, digits: 1, lowerIsBetter: true },
    { metric: "publish: p90 latency (ms)", app: result.latency.p90Ms, baseline: NaN, digits: 1, lowerIsBetter: true },
    { metric: "publish: p99 latency (ms)", app: result.latency.p99Ms, baseline: NaN, digits: 1, lowerIsBetter: true },
    { metric: "publish: errors", app: result.errors, baseline: NaN, digits: 0, lowerIsBetter: true },
  ];
}
