"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";

export type LockRow = { id: string; display: string; reason: string; since: string };

/** The CSIP's standing locks, each with a button that lifts it. */
export function LockList({ csipId, rows, action }: { csipId: string; rows: LockRow[]; action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, lift] = useActionState(action, {});
  return (
    <div className="flex flex-col gap-3">
      <FormMessage state={state} />
      {rows.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">No identifier is locked.</p>
      ) : (
        <DataTable
          id="locks"
          caption="Locked identifiers, newest first"
          columns={[{ label: "Identifier" }, { label: "Reason" }, { label: "Since" }, { label: "Lock" }]}
          minWidthClass="min-w-[36rem]"
        >
          {rows.map((row) => (
            <tr key={row.id} data-testid="lock-row">
              <td className="whitespace-nowrap px-3 py-2 font-medium text-slate-900">{row.display}</td>
              <td className="px-3 py-2">{row.reason}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <DateTime value={row.since} />
              </td>
              <td className="px-3 py-2">
                <form action={lift}>
                  <input type="hidden" name="csipId" value={csipId} />
                  <input type="hidden" name="lockId" value={row.id} />
                  <SubmitButton variant="secondary" pendingText="Lifting…">
                    Lift<span className="sr-only"> the lock on {row.display}</span>
                  </SubmitButton>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
