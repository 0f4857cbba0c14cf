"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";

export function DeleteMspForm({ mspId, action }: { mspId: string; action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="mspId" value={mspId} />
      <TextField id="delete-confirm" name="confirm" label="Type delete to confirm" error={state.errors?.confirm} autoComplete="off" />
      <div>
        <SubmitButton variant="danger" pendingText="Deleting…">
          Delete this MSP and revoke its keys
        </SubmitButton>
      </div>
    </form>
  );
}
