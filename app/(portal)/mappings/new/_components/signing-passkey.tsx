"use client";

import { RegisterPasskey } from "@/components/register-passkey";

/** Which passkey signs an identifier's mappings: its own, or the account's (see lib/passkeys/signing-passkeys.ts). */
export type Signer = { kind: "own" | "account"; names: string[] } | null;

const WHY = "With a passkey of its own, a messaging service that sees the mappings of several of your identifiers cannot tell from their signatures that they are all yours.";

/** Says which passkey will sign, and offers the identifier a passkey of its own. */
export function SigningPasskey({ identifierId, display, signer }: { identifierId: string; display: string; signer: Signer }) {
  const names = signer?.names.map((name) => `“${name}”`).join(" or ");
  return (
    <section aria-labelledby="signing-passkey-heading" className="flex flex-col gap-3 rounded-md border border-slate-300 bg-white p-4 text-sm">
      <h2 id="signing-passkey-heading" className="font-semibold text-slate-900">
        Signed with
      </h2>
      {signer?.kind === "own" && <p>This identifier&apos;s own passkey, {names}. No other passkey signs its mappings, and it signs no other identifier&apos;s.</p>}
      {signer?.kind === "account" && <p>Your account&apos;s passkey, {names}, which also signs the mappings of your other identifiers.</p>}
      {signer === null && <p>No passkey can sign this identifier&apos;s mappings yet: give it one of its own below.</p>}
      {signer?.kind !== "own" && (
        <details className="group" open={signer === null}>
          <summary className="cursor-pointer font-medium text-indigo-700 underline underline-offset-4">Give {display} a passkey of its own</summary>
          <div className="mt-3 flex flex-col gap-3">
            <p className="text-slate-700">{WHY}</p>
            <RegisterPasskey
              identifierId={identifierId}
              suggestedName={`${display} only`}
              submitLabel="Create its passkey"
              doneMessage={`${display} has a passkey of its own. It signs this mapping and every later one of ${display}.`}
            />
          </div>
        </details>
      )}
    </section>
  );
}
