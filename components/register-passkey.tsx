"use client";

import { startRegistration } from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { describeBrowserWebauthnError } from "@/web/webauthn-errors";
import { finishPasskeyRegistrationAction, startPasskeyRegistrationAction } from "@/app/(portal)/account/passkey-actions";

/**
 * Registers a passkey: the account's by default, or with `identifierId` one of that identifier's own. The name
 * field starts empty after a registration, so the next passkey is not given the last one's name.
 */
export function RegisterPasskey({
  suggestedName,
  identifierId,
  submitLabel = "Register a passkey",
  doneMessage = "Your passkey is registered. You can sign in and sign mappings with it.",
}: {
  suggestedName: string;
  identifierId?: string;
  submitLabel?: string;
  doneMessage?: string;
}) {
  const router = useRouter();
  const [name, setName] = useState(suggestedName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [done, setDone] = useState(false);

  async function register(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const started = await startPasskeyRegistrationAction(identifierId ? { name, identifierId } : { name });
      if (!started.ok) {
        setError({ field: started.errors?.name, message: started.message });
        return;
      }
      let response;
      try {
        response = await startRegistration({ optionsJSON: started.options });
      } catch (browserError) {
        setError({ message: describeBrowserWebauthnError(browserError) });
        return;
      }
      const finished = await finishPasskeyRegistrationAction({ challengeId: started.challengeId, name, response });
      if (!finished.ok) {
        setError({ field: finished.errors?.name, message: finished.message });
        return;
      }
      setDone(true);
      setName("");
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={register} className="flex flex-col gap-4" noValidate>
      {error && !error.field && <Alert tone="error">{error.message}</Alert>}
      {done && <Alert tone="success">{doneMessage}</Alert>}
      <TextField
        id={identifierId ? `passkey-name-${identifierId}` : "passkey-name"}
        name="name"
        label="Passkey name"
        hint="So you can tell your passkeys apart, for example “Work laptop”."
        value={name}
        onChange={(event) => setName(event.target.value)}
        maxLength={60}
        error={error?.field}
        required
      />
      <div>
        <Button type="submit" disabled={busy} aria-disabled={busy}>
          {busy ? "Waiting for your authenticator…" : submitLabel}
        </Button>
      </div>
    </form>
  );
}
