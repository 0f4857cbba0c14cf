"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { runPasskeyAssertion } from "@/web/run-passkey-assertion";
import { finishPasskeyStepUpAction, startPasskeyStepUpAction } from "@/app/(portal)/sign-in/confirm/passkey-actions";

/** The account's passkey opens it: the same ceremony as "Sign in with a passkey", checked against this account. */
export function PasskeyStepUp() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const finished = await runPasskeyAssertion(
        () => startPasskeyStepUpAction({}),
        (challengeId, response) => finishPasskeyStepUpAction({ challengeId, response }),
      );
      if (!finished.ok) return setError(finished.message);
      router.push("/account");
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-3">
      {error && <Alert tone="error">{error}</Alert>}
      <div>
        <Button type="button" onClick={confirm} disabled={busy} aria-disabled={busy}>
          {busy ? "Waiting for your passkey…" : "Use your passkey"}
        </Button>
      </div>
    </div>
  );
}
