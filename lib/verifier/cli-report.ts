import { isRecord } from "./read-proof";
import type { Verification } from "./types";

/**
 * Labels, MSP ids, problem details and check details come from other parties and end up on a terminal: control
 * and format characters (line breaks, escape sequences, bidi overrides) could forge or hide lines.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, "\uFFFD");
}

/** One mapping's verification as both CLIs print it: a heading line, then one line per check. */
export function mappingReportLines(id: string, document: unknown, verification: Verification): string[] {
  const about = isRecord(document) ? [document.csi, typeof document.seq === "number" ? `seq ${document.seq}` : undefined, document.label] : [];
  const description = about.filter((part): part is string => typeof part === "string" && part !== "").join(", ");
  return [
    printable(`Mapping ${id}${description ? ` (${description})` : ""}: ${verification.ok ? "verified" : "NOT verified"}`),
    ...verification.checks.map((check) => printable(`  ${check.ok ? "✓" : "✗"} ${check.id}: ${check.detail}`)),
  ];
}

/** Node's fetch hides the useful part of a network failure (ECONNREFUSED, ENOTFOUND) in its cause. */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
