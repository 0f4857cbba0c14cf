import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { listOtherCsips } from "@/lib/csip-console/list-other-csips";
import { listPortRecords } from "@/lib/csip-console/list-port-records";
import { displayIdentifier } from "@/lib/identifiers/display";
import { NO_RECEIVING_CSIP } from "@/lib/validations/csip-console";
import { reportPortOutAction } from "@/app/(csip)/csip/actions";
import { PortForm } from "@/app/(csip)/csip/_components/port-form";
import { DateTime } from "@/components/ui/date-time";
import { requireCsipMember } from "@/app/(csip)/csip/_lib/require-csip-member";

export const metadata: Metadata = { title: "Ported numbers" };

export default async function PortsPage({ params }: { params: Promise<{ csipId: string }> }) {
  const { csip } = await requireCsipMember((await params).csipId);
  const db = getDb();
  const [receivers, ports] = await Promise.all([listOtherCsips(db, csip.csipId), listPortRecords(db, csip.csipId)]);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Ported numbers</h1>
        <p className="mt-1 text-slate-700">
          When a number leaves you for another provider, report it here. The receiving provider takes over authority for it. The holder keeps
          their mappings, except those that list a messaging service you operate, which are withdrawn.
        </p>
      </div>
      <Card title="Report a ported-out number">
        <PortForm csipId={csip.csipId} receivers={receivers} noReceiver={NO_RECEIVING_CSIP} action={reportPortOutAction} />
      </Card>
      <Card
        title="Ports"
        description={
          <>
            Numbers ported in reach you when the donor reports them here naming you, or when the DP operator records the port. You cannot
            report a port in yourself: nothing you alone can say proves it happened.
          </>
        }
      >
        {ports.length === 0 ? (
          <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">No numbers ported in or out yet.</p>
        ) : (
          <DataTable id="ports" caption="Numbers ported in and out, newest first" minWidthClass="min-w-[30rem]" columns={[{ label: "Number" }, { label: "Direction" }, { label: "Other provider" }, { label: "When" }]}>
            {ports.map((port) => (
              <tr key={port.id} data-testid="port-row">
                <td className="whitespace-nowrap px-3 py-2">{displayIdentifier(port.csi)}</td>
                <td className="px-3 py-2">{port.direction === "out" ? "Ported out" : "Ported in"}</td>
                <td className="px-3 py-2">{port.otherName ?? "Not registered here"}</td>
                <td className="px-3 py-2">
                  <DateTime value={port.at} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </div>
  );
}
