import { DataTable } from "@/components/ui/data-table";
import type { RemovalSummary, RowOutcome, RowResult } from "@/lib/csip-console/apply-removal-rows";

const OUTCOME: Record<RowOutcome, { text: string; className: string }> = {
  removed: { text: "Removed", className: "bg-green-100 text-green-900" },
  nothing_to_remove: { text: "Applied", className: "bg-green-100 text-green-900" },
  ported: { text: "Ported out", className: "bg-green-100 text-green-900" },
  refused: { text: "Refused", className: "bg-red-100 text-red-900" },
  invalid: { text: "Error", className: "bg-red-100 text-red-900" },
};

export function describeSummary(summary: RemovalSummary): string {
  const rows = (count: number) => `${count.toLocaleString("en-US")} ${count === 1 ? "row" : "rows"}`;
  const mappings = `${summary.removedMappings.toLocaleString("en-US")} ${summary.removedMappings === 1 ? "mapping" : "mappings"}`;
  if (summary.refused === 0) return `${summary.rows === 1 ? "The row was" : `All ${rows(summary.rows)}`} applied; ${mappings} removed.`;
  if (summary.applied === 0) {
    return `${summary.rows === 1 ? "The row was not" : `None of the ${rows(summary.rows)} was`} applied, and nothing was changed. Correct the file and upload it again.`;
  }
  return (
    `${rows(summary.applied)} of ${summary.rows.toLocaleString("en-US")} applied; ${mappings} removed. ` +
    `${rows(summary.refused)} not applied, and nothing was changed for them: correct those rows and upload just them again.`
  );
}

/** One line per uploaded row, in file order: the line number, the identifier exactly as typed, and what happened. */
export function RemovalResults({ results }: { results: RowResult[] }) {
  return (
    <DataTable id="row-results" caption="Result for each row of the file" minWidthClass="min-w-[28rem]" columns={[{ label: "Line" }, { label: "Identifier as typed" }, { label: "Result" }]}>
      {results.map((row) => {
        const outcome = OUTCOME[row.outcome];
        return (
          <tr key={row.line} data-testid="row-result" data-line={row.line} data-outcome={row.outcome} className="align-top">
            <td className="px-3 py-2 tabular-nums">{row.line}</td>
            <td className="max-w-[16rem] break-all px-3 py-2 font-mono text-xs">{row.input === "" ? <span className="font-sans text-slate-600">(empty)</span> : row.input}</td>
            <td className="px-3 py-2">
              <span className={`mr-2 inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ${outcome.className}`}>{outcome.text}</span>
              {row.message}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
