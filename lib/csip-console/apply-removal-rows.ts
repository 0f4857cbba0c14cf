import type { Database } from "@/db/client";
import { withTransaction } from "@/db/transaction";
import type { CsvRow } from "@/lib/csip/parse-removal-csv";
import type { Notice } from "@/lib/notifications/notify";
import { applyCsipRemovals, type ItemResult } from "@/lib/removals/apply-csip-removals";
import { auditRefusedRemoval, auditRemovalRequest } from "@/lib/removals/audit-removal-request";

export type RowOutcome = "removed" | "nothing_to_remove" | "ported" | "refused" | "invalid";

/** One row's result, for a person: the line, the identifier as typed, what happened, in one sentence. */
export type RowResult = { line: number; input: string; outcome: RowOutcome; applied: boolean; removed: number; message: string };

export type RemovalSummary = { rows: number; applied: number; refused: number; removedMappings: number };

/**
 * Applies a CSIP admin's removals (one row typed in the console, or every row of an uploaded CSV) and answers one
 * result per row, in row order. Rows the reader already refused change nothing; the valid rows all go through
 * applyCsipRemovals in ONE transaction, with one audit row naming the admin, so either all the applicable rows are
 * applied or, if anything fails, none is. A valid row can still be refused there (outside the CSIP's authority, a
 * receiving CSIP that does not exist): that row changes nothing either. The notices are for sendNotice, after commit.
 */
export async function applyRemovalRows(options: {
  db: Database;
  csipId: string;
  userId: string;
  rows: readonly CsvRow[];
  issuer: string;
  sealingKey: Buffer;
  auditKey: Buffer;
  now: Date;
  /** Rows done out of all rows, as the valid ones are applied (the refused ones are done at once). */
  onProgress?: (done: number, total: number) => void;
}): Promise<{ results: RowResult[]; summary: RemovalSummary; notices: Notice[] }> {
  const { db, csipId, userId, rows, now } = options;
  const valid = rows.flatMap((row) => (row.ok ? [row] : []));
  const requestedBy = { via: "console", userId } as const;
  let itemResults: ItemResult[] = [];
  let notices: Notice[] = [];
  if (rows.length > 0) {
    const items = valid.map((row) => ({
      csi: row.csi,
      reason: row.reason,
      ...(row.receivingCsip === undefined ? {} : { receiving_csip: row.receivingCsip }),
    }));
    ({ results: itemResults, notices } = await withTransaction(db, async (tx) => {
      // A row the reader refused is audited like an item the authority check refused: who, which, why.
      for (const row of rows) {
        if (row.ok) continue;
        await auditRefusedRemoval(tx, {
          auditKey: options.auditKey,
          csipId,
          requestedBy,
          subject: { input: row.input },
          refusal: "invalid_row",
          reason: undefined,
          position: { line: row.line },
          now,
        });
      }
      const applied =
        items.length > 0
          ? await applyCsipRemovals({
              tx,
              csipId,
              items,
              requestedBy,
              lines: valid.map((row) => row.line),
              issuer: options.issuer,
              sealingKey: options.sealingKey,
              auditKey: options.auditKey,
              now,
              onProgress: (done) => options.onProgress?.(rows.length - valid.length + done, rows.length),
            })
          : { results: [], notices: [] };
      await auditRemovalRequest(tx, { csipId, requestedBy, items: rows.length, applied: applied.results.filter((result) => result.applied).length, now });
      return applied;
    }));
  }

  const byRow = new Map<CsvRow, ItemResult>();
  for (const result of itemResults) byRow.set(valid[result.index]!, result);
  const results = rows.map((row): RowResult => {
    if (!row.ok) return { line: row.line, input: row.input, outcome: "invalid", applied: false, removed: 0, message: withoutLinePrefix(row.error) };
    const result = byRow.get(row);
    if (!result) throw new Error("applyCsipRemovals answered fewer items than it was given.");
    return describe(row.line, row.input, result);
  });
  const applied = results.filter((result) => result.applied);
  return {
    results,
    summary: {
      rows: results.length,
      applied: applied.length,
      refused: results.length - applied.length,
      removedMappings: applied.reduce((total, result) => total + result.removed, 0),
    },
    notices,
  };
}

function describe(line: number, input: string, result: ItemResult): RowResult {
  if (!result.applied) {
    const outcome = result.refusal === "outside_authority" ? "refused" : "invalid";
    return { line, input, outcome, applied: false, removed: 0, message: result.error.detail };
  }
  const mappings = plural(result.removed, "mapping");
  const message =
    result.outcome === "ported"
      ? result.removed > 0
        ? `Reported as ported out; ${mappings} listing your own messaging services withdrawn.`
        : "Reported as ported out; the holder's mappings stay."
      : result.outcome === "removed"
        ? `Removed ${mappings}.`
        : "Applied; there was no active mapping to remove.";
  return { line, input, outcome: result.outcome, applied: true, removed: result.removed, message };
}

/** The reader's messages start "Line N: ", which the result table already shows in its own column. */
function withoutLinePrefix(error: string): string {
  const text = error.replace(/^Line \d+: /u, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
