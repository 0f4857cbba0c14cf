"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { DateTime } from "@/components/ui/date-time";

/** `onlyFor`: the identifier whose mappings alone this passkey signs, when it is that identifier's own. */
export type PasskeyRow = { id: string; name: string; createdAt: string; lastUsedAt: string | null; synced: boolean; onlyFor: string | null };

function date(value: string) {
  return <DateTime value={value} />;
}

export function PasskeyList({
  rows,
  canRemove,
  removeAction,
}: {
  rows: PasskeyRow[];
  canRemove: boolean;
  removeAction: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, remove] = useActionState(removeAction, {});
  return (
    <div className="flex flex-col gap-3">
      <FormMessage state={state} />
      {rows.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">
          No passkey yet. Register one to sign in without a code and to sign your mappings.
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200" aria-label="Your passkeys">
          {rows.map((row) => (
            <li key={row.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
              <div className="min-w-0">
                <p className="truncate font-medium text-slate-900">{row.name}</p>
                <p className="text-xs text-slate-600">
                  Added {date(row.createdAt)} · {row.lastUsedAt ? <>last used {date(row.lastUsedAt)}</> : "never used yet"}
                  {row.synced && " · synced"}
                </p>
                {row.onlyFor && <p className="text-xs text-slate-600">Signs the mappings of {row.onlyFor} only</p>}
              </div>
              {canRemove && (
                <form action={remove}>
                  <input type="hidden" name="passkeyId" value={row.id} />
                  <SubmitButton variant="danger" pendingText="Removing…">
                    Remove<span className="sr-only"> passkey {row.name}</span>
                  </SubmitButton>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
