import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { listMsps } from "@/lib/msps/manage-msps";
import { createMspAction } from "./actions";
import { MspForm } from "./_components/msp-form";

export const metadata: Metadata = { title: "Messaging services" };

export default async function AdminHomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const rows = await listMsps(getDb());
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Messaging services</h1>
      {params.deleted && <Alert tone="success">The MSP was deleted and its keys revoked.</Alert>}
      <Card title="Registered MSPs" description="Recipients choose from these; each looks up identifiers with its own keys and limits.">
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">No MSP is registered yet.</p>
        ) : (
          <DataTable id="msps" caption="Registered MSPs" minWidthClass="min-w-[32rem]" columns={[{ label: "MSP" }, { label: "Limits" }, { label: "Active keys" }, { label: "State" }]}>
            {rows.map((row) => (
              <tr key={row.id}>
                <td className="px-3 py-2">
                  <Link href={`/admin/msps/${encodeURIComponent(row.id)}`} className="font-medium text-indigo-700 underline underline-offset-2">
                    {row.displayName}
                  </Link>
                  <div className="text-xs text-slate-600">{row.id}</div>
                </td>
                <td className="px-3 py-2">
                  {row.lookupBurst.toLocaleString("en-US")} at once, {row.lookupRefillPerSecond}/s
                </td>
                <td className="px-3 py-2">{row.activeKeys}</td>
                <td className="px-3 py-2">{row.deletedAt ? "Deleted" : "Active"}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
      <Card title="Register an MSP">
        <MspForm action={createMspAction} mode="create" />
      </Card>
    </div>
  );
}
