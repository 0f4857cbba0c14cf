import { printable } from "../text/printable.ts";
import { isRecord } from "../verifier/read-proof.ts";
import type { Verification } from "../verifier/types.ts";

/** One mapping's verification as both commands print it: a heading line, then one line per check. */
export function mappingReportLines(id: string, document: unknown, verification: Verification): string[] {
  const about = isRecord(document) ? [document.csi, typeof document.seq === "number" ? `seq ${document.seq}` : undefined, document.label] : [];
  const description = about.filter((part): part is string => typeof part === "string" && part !== "").join(", ");
  return [
    printable(`Mapping ${id}${description ? ` (${description})` : ""}: ${verification.ok ? "verified" : "NOT verified"}`),
    ...verification.checks.map((check) => printable(`  ${check.ok ? "✓" : "✗"} ${check.id}: ${check.detail}`)),
  ];
}
