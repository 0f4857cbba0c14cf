"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { runPasskeyAssertion } from "@/web/run-passkey-assertion";
import { finishPasskeySignInAction, startPasskeySignInAction } from "./passkey-actions";

export function PasskeySignIn() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setError(null);
    try {
      const finished = await runPasskeyAssertion(
        () => startPasskeySignInAction({}),
        (challengeId, response) => finishPasskeySignInAction({ challengeId, response }),
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
        <Button type="button" variant="secondary" onClick={signIn} disabled={busy} aria-disabled={busy}>
          {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
        </Button>
      </div>
    </div>
  );
}
