"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { DateTime } from "@/components/ui/date-time";

export type IdentifierRow = { id: string; display: string; kind: "tel" | "mailto"; verifiedAt: string };

export function IdentifierList({
  rows,
  canRemove,
  removeAction,
}: {
  rows: IdentifierRow[];
  canRemove: boolean;
  removeAction: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, remove] = useActionState(removeAction, {});
  return (
    <div className="flex flex-col gap-3">
      <FormMessage state={state} />
      <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
        {rows.map((row) => (
          <li key={row.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
            <div className="min-w-0">
              <p className="truncate font-medium text-slate-900">{row.display}</p>
              <p className="text-xs text-slate-600">
                {row.kind === "tel" ? "Phone number" : "Email address"} · verified{" "}
                <DateTime value={row.verifiedAt} />
              </p>
            </div>
            {canRemove && rows.length > 1 && (
              <form action={remove}>
                <input type="hidden" name="identifierId" value={row.id} />
                <SubmitButton variant="danger" pendingText="Removing…">
                  Remove<span className="sr-only"> {row.display}</span>
                </SubmitButton>
              </form>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
