"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { runPasskeyAssertion } from "@/web/run-passkey-assertion";
import { finishRemovalAction, startRemovalAction } from "@/app/(portal)/mappings/removal-actions";

/** Removes mappings after the recipient confirms with their passkey; they are never served again. */
/** `context` is read by screen readers only, after the label, so that two “Remove “Personal”” buttons differ. */
export function RemoveMappingsButton({ mappingIds, label, context, confirmText }: { mappingIds: string[]; label: string; context?: string; confirmText: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      const finished = await runPasskeyAssertion(
        () => startRemovalAction({ mappingIds }),
        (challengeId, response) => finishRemovalAction({ challengeId, response }),
      );
      if (!finished.ok) return setError(finished.message);
      setConfirming(false);
      router.push(`/mappings?removed=${finished.removed}`);
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  if (!confirming) {
    return (
      <Button type="button" variant="danger" onClick={() => setConfirming(true)}>
        {label}
        {context && <span className="sr-only"> {context}</span>}
      </Button>
    );
  }
  return (
    <div className="flex flex-col gap-2 rounded-md border border-red-200 bg-red-50 p-3" role="group" aria-label="Confirm removal">
      {error && <Alert tone="error">{error}</Alert>}
      <p className="text-sm text-red-900">{confirmText}</p>
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="danger" onClick={remove} disabled={busy} aria-disabled={busy}>
          {busy ? "Waiting for your passkey…" : "Confirm with your passkey"}
        </Button>
        <Button type="button" variant="secondary" onClick={() => setConfirming(false)} disabled={busy}>
          Keep it
        </Button>
      </div>
    </div>
  );
}
