import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";

/** One value in COPY's text format: \N for null, and backslash, tab, newline and carriage return escaped. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text = typeof value === "string" ? value : String(value);
  return /[\\\t\n\r]/u.test(text) ? text.replace(/[\\\t\n\r]/gu, (char) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[char]!) : text;
}

/** Bulk-loads rows with COPY ... FROM STDIN (text format), in whatever transaction `sql` belongs to. */
export async function copyRows(sql: postgres.Sql | postgres.TransactionSql, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const writable = await sql.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  const lines = rows.map((row) => `${row.map(copyValue).join("\t")}\n`);
  await pipeline(Readable.from(lines), writable);
}
