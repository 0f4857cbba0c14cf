"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { DateTime } from "@/components/ui/date-time";

export type ClaimRow = { id: string; csipName: string; kind: "e164_prefix" | "email_domain"; value: string; status: string; createdAt: string };

export function ClaimReview({ rows, action }: { rows: ClaimRow[]; action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, decide] = useActionState(action, {});
  const pending = rows.filter((row) => row.status === "pending");
  return (
    <div className="flex flex-col gap-3">
      <FormMessage state={state} />
      {pending.length === 0 ? (
        <p className="text-sm text-slate-600">No claim is waiting for approval.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200" aria-label="Claims waiting for approval">
          {pending.map((row) => (
            <li key={row.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
              <div>
                <p className="font-medium">
                  <code>{row.value}</code> <span className="text-sm font-normal text-slate-600">({row.kind === "e164_prefix" ? "number range" : "email domain"})</span>
                </p>
                <p className="text-xs text-slate-600">
                  {row.csipName} · claimed <DateTime value={row.createdAt} />
                </p>
              </div>
              <div className="flex gap-2">
                {(["approved", "rejected"] as const).map((decision) => (
                  <form key={decision} action={decide}>
                    <input type="hidden" name="claimId" value={row.id} />
                    <input type="hidden" name="decision" value={decision} />
                    <SubmitButton variant={decision === "approved" ? "primary" : "danger"} pendingText="Saving…">
                      {decision === "approved" ? "Approve" : "Reject"}
                      <span className="sr-only"> {row.value} for {row.csipName}</span>
                    </SubmitButton>
                  </form>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
