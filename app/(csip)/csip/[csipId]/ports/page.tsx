import type { Metadata } from "next";
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
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Numbers ported in and out, newest first</caption>
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">Number</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Direction</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Other provider</th>
                  <th scope="col" className="py-2 font-medium">When</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {ports.map((port) => (
                  <tr key={port.id} data-testid="port-row">
                    <td className="whitespace-nowrap py-2 pr-4">{displayIdentifier(port.csi)}</td>
                    <td className="py-2 pr-4">{port.direction === "out" ? "Ported out" : "Ported in"}</td>
                    <td className="py-2 pr-4">{port.otherName ?? "Not registered here"}</td>
                    <td className="py-2">
                      <DateTime value={port.at} />
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
