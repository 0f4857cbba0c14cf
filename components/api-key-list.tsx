"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { DateTime } from "@/components/ui/date-time";

export type ApiKeyRow = { id: string; label: string; prefix: string; createdAt: string; revokedAt: string | null };

function when(iso: string) {
  return <DateTime value={iso} />;
}

/** An owner's API keys by their visible prefix, with a revoke button for each live one. */
export function ApiKeyList({
  owner,
  rows,
  emptyText,
  revokeAction,
}: {
  owner: { name: "mspId" | "csipId"; value: string };
  rows: ApiKeyRow[];
  emptyText: string;
  revokeAction: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, revoke] = useActionState(revokeAction, {});
  return (
    <div className="flex flex-col gap-3">
      <FormMessage state={state} />
      {rows.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">{emptyText}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200" aria-label="API keys">
          {rows.map((row) => (
            <li key={row.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
              <div className="min-w-0">
                <p className="break-words font-medium">{row.label}</p>
                <p className="text-xs text-slate-600">
                  <code className="break-all">{row.prefix}…</code> · issued {when(row.createdAt)}
                  {row.revokedAt && <> · revoked {when(row.revokedAt)}</>}
                </p>
              </div>
              {row.revokedAt ? (
                <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">Revoked</span>
              ) : (
                <form action={revoke}>
                  <input type="hidden" name="keyId" value={row.id} />
                  <input type="hidden" name={owner.name} value={owner.value} />
                  <SubmitButton variant="danger" pendingText="Revoking…">
                    Revoke<span className="sr-only"> key {row.label}</span>
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
