import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { getDb } from "@/db/index";
import { describeAuditRows } from "@/lib/audit/describe-audit";
import { listAuditLog } from "@/lib/audit/list-audit";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const db = getDb();
  const rows = await describeAuditRows(db, await listAuditLog(db));
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Audit log</h1>
      <Card title="Latest changes" description="Every change by operators, recipients, CSIPs and the system. Lookups are never recorded here.">
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing yet.</p>
        ) : (
          <DataTable id="audit" caption="The latest 200 changes, newest first." minWidthClass="min-w-[40rem]" columns={[{ label: "When" }, { label: "Who" }, { label: "What" }, { label: "About" }]}>
            {rows.map((row) => (
              <tr key={row.id} data-testid="audit-row">
                <td className="px-3 py-2">
                  <DateTime value={row.at} />
                </td>
                <td className="px-3 py-2">{row.who}</td>
                <td className="px-3 py-2">
                  {row.what}
                  {row.note && <span className="block text-xs text-slate-600">{row.note}</span>}
                </td>
                <td className="px-3 py-2">
                  {row.subject.href ? (
                    <Link href={row.subject.href} className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
                      {row.subject.text}
                    </Link>
                  ) : (
                    row.subject.text
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </div>
  );
}
