"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { Alert } from "@/components/ui/alert";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { formatTimeOfDay } from "@/components/ui/date-time";

const CHANNEL_TEXT = { sms: "by text message", voice: "by a voice call", email: "by email" } as const;

export type ChallengeView = {
  maskedIdentifier: string;
  channel: keyof typeof CHANNEL_TEXT;
  expiresAt: string;
  open: boolean;
};

/** Step two of every code flow: type the code, or ask for a new one, or start again. */
export function EnterCodeForm({
  challenge,
  verifyAction,
  resendAction,
  startOverAction,
  idPrefix,
  submitLabel,
  startOverLabel = "Use a different number or email",
  onlyIfKnown = false,
}: {
  challenge: ChallengeView;
  verifyAction: (state: FormState, formData: FormData) => Promise<FormState>;
  resendAction: (state: FormState, formData: FormData) => Promise<FormState>;
  startOverAction: () => Promise<void>;
  idPrefix: string;
  submitLabel: string;
  startOverLabel?: string;
  /** The code went out only if the identifier belongs where the person says (the step-up): say so, honestly. */
  onlyIfKnown?: boolean;
}) {
  const [state, verify] = useActionState(verifyAction, {});
  const [resendState, resend] = useActionState(resendAction, {});
  const expires = formatTimeOfDay(challenge.expiresAt);
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-slate-700">
        {onlyIfKnown ? (
          <>
            If <strong>{challenge.maskedIdentifier}</strong> is on this account, we sent it a 6-digit code {CHANNEL_TEXT[challenge.channel]}.
          </>
        ) : (
          <>
            We sent a 6-digit code {CHANNEL_TEXT[challenge.channel]} to <strong>{challenge.maskedIdentifier}</strong>.
          </>
        )}
        {challenge.open && <> It works once, until {expires}.</>}
      </p>
      {!challenge.open && !state.message && !state.errors && (
        <Alert tone="warning">This code no longer works. Send a new one, or start again.</Alert>
      )}
      <FormMessage state={resendState} />
      <form action={verify} className="flex flex-col gap-4" noValidate>
        <FormMessage state={state} />
        <TextField
          id={`${idPrefix}-code`}
          name="code"
          label="Code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={12}
          required
          autoFocus
          inputClassName="max-w-48 tracking-widest"
          error={state.errors?.code}
        />
        <div>
          <SubmitButton pendingText="Checking…">{submitLabel}</SubmitButton>
        </div>
      </form>
      <div className="flex flex-wrap gap-x-6 gap-y-2 border-t border-slate-200 pt-4 text-sm">
        <form action={resend}>
          <SubmitButton variant="link" pendingText="Sending…">
            Send a new code
          </SubmitButton>
        </form>
        <form action={startOverAction}>
          <button type="submit" className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
            {startOverLabel}
          </button>
        </form>
      </div>
    </div>
  );
}
