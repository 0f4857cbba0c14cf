import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { listAuditLog } from "@/lib/audit/list-audit";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const rows = await listAuditLog(getDb());
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Audit log</h1>
      <Card title="Latest changes" description="Every change by operators, recipients and the system. Lookups are never recorded here.">
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Audit log</caption>
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">When</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Who</th>
                  <th scope="col" className="py-2 pr-4 font-medium">What</th>
                  <th scope="col" className="py-2 font-medium">Subject</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td className="whitespace-nowrap py-2 pr-4">{row.at.toLocaleString()}</td>
                    <td className="py-2 pr-4">{row.actorKind}</td>
                    <td className="py-2 pr-4 font-mono text-xs">{row.action}</td>
                    <td className="break-all py-2 text-xs text-slate-700">
                      {row.subjectType} {row.subjectType === "identifier" || row.subjectType === "mapping" ? "(hidden)" : row.subjectId}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
