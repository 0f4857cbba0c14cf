import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { CSV_LIMITS } from "@/lib/csip/parse-removal-csv";
import { removeOneAction } from "@/app/(csip)/csip/actions";
import { CsvUpload } from "@/app/(csip)/csip/_components/csv-upload";
import { IdentifierReasonForm } from "@/app/(csip)/csip/_components/identifier-reason-form";
import { csipPath } from "@/app/(csip)/csip/_lib/paths";
import { requireCsipMember } from "@/app/(csip)/csip/_lib/require-csip-member";

const REMOVAL_REASONS = [
  { value: "released", label: "Released: the line or mailbox was closed" },
  { value: "reassigned", label: "Reassigned: it now belongs to someone else" },
  { value: "other", label: "Other: remove its mappings only" },
] as const;

export const metadata: Metadata = { title: "Removals" };

const EXAMPLE = `csi,reason
+33 6 95 12 34 56,released
ann@mail.example,reassigned
+33 6 98 76 54 32,ported_out`;

export default async function RemovalsPage({ params }: { params: Promise<{ csipId: string }> }) {
  const { csip } = await requireCsipMember((await params).csipId);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Removals</h1>
        <p className="mt-1 text-slate-700">
          Remove the mappings of numbers and addresses you released, reassigned or ported out. Each removal leaves a signed record that the
          holder sees in their history. You can act only inside your approved ranges and domains.
        </p>
      </div>
      <Card title="Remove one identifier">
        <IdentifierReasonForm
          csipId={csip.csipId}
          idPrefix="remove"
          reasons={REMOVAL_REASONS}
          reasonHint="Released and reassigned also take the identifier off its holder's account."
          submit={{ label: "Remove", pending: "Removing…", variant: "danger" }}
          action={removeOneAction}
        />
      </Card>
      <Card
        title="Upload a CSV file"
        description="Every row is checked first. Rows with a problem change nothing; the others are applied together, all or none. You then see the result of each row."
      >
        <div className="flex flex-col gap-5">
          <details className="rounded-md border border-slate-200 text-sm">
            <summary className="cursor-pointer px-4 py-2 font-medium text-slate-800">The file format</summary>
            <div className="flex flex-col gap-2 border-t border-slate-200 px-4 py-3 text-slate-700">
              <p>
                A header row naming the columns, then one identifier per row. Save from a spreadsheet as “CSV UTF-8”; commas or semicolons both
                work. For ported_out, an optional receiving_csip column names the receiving provider by its CSIP id.
              </p>
              {/* Focusable, so that a keyboard can scroll the example sideways on a phone. */}
              <pre role="region" aria-label="An example file" tabIndex={0} className="overflow-x-auto rounded bg-slate-100 p-3 font-mono text-xs text-slate-900">
                {EXAMPLE}
              </pre>
            </div>
          </details>
          <CsvUpload uploadUrl={`${csipPath(csip.csipId, "removals")}/upload`} maxBytes={CSV_LIMITS.maxBytes} maxRows={CSV_LIMITS.maxRows} />
        </div>
      </Card>
    </div>
  );
}
