"use client";

import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/web/action-result";
import { runPasskeyAssertion } from "@/web/run-passkey-assertion";

type Failure = Extract<ActionResult, { ok: false }>;

/**
 * A passkey opens the account, then the account page: "Sign in with a passkey", and the same ceremony when a code
 * sign-in stops to ask for the account's passkey. The two differ only in the server actions they call.
 */
export function PasskeySignInButton({
  start,
  finish,
  label,
  variant,
}: {
  start: (input: Record<string, never>) => Promise<(ActionResult & { ok: true; challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }) | Failure>;
  finish: (input: { challengeId: string; response: AuthenticationResponseJSON }) => Promise<ActionResult>;
  label: string;
  variant?: "primary" | "secondary";
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setError(null);
    try {
      const finished = await runPasskeyAssertion(
        () => start({}),
        (challengeId, response) => finish({ challengeId, response }),
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
        <Button type="button" variant={variant} onClick={signIn} disabled={busy} aria-disabled={busy}>
          {busy ? "Waiting for your passkey…" : label}
        </Button>
      </div>
    </div>
  );
}
