"use client";

import { useEffect, useState } from "react";
import { Card } from "@/components/ui/card";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { IdentifierError, parseIdentifier, resolveForSender, type MappingDocument, type Resolution } from "@mimi-discovery/msp-kit";

const OTHER = "another.example";

/**
 * Which messaging service a sender would pick, worked out here in the browser by the MSP kit's resolver, as the
 * sender's MSP does: the sender's own number or address never leaves this page.
 */
export function ResolveForSender({ csi, mappings, msps }: { csi: string; mappings: { id: string; document: MappingDocument }[]; msps: { id: string; name: string }[] }) {
  const [senderMsp, setSenderMsp] = useState(msps[0]?.id ?? OTHER);
  const [context, setContext] = useState("");
  const [sender, setSender] = useState("");
  const [resolution, setResolution] = useState<Resolution | null>(null);
  const [senderError, setSenderError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    let senderCsi: string | undefined;
    try {
      senderCsi = sender.trim() ? parseIdentifier(sender).uri : undefined;
      setSenderError(undefined);
    } catch (error) {
      setSenderError(error instanceof IdentifierError ? error.message : "That is not a phone number or email address.");
      return;
    }
    setBusy(true);
    // Particular-sender rules cost one scrypt per salt: a moment, so the answer says it is being worked out.
    void resolveForSender(mappings, { senderMsp, ...(context.trim() ? { context: context.trim() } : {}), ...(senderCsi ? { senderCsi } : {}) }).then((result) => {
      if (!current) return;
      setResolution(result);
      setBusy(false);
    });
    return () => {
      current = false;
    };
  }, [mappings, senderMsp, context, sender]);

  return (
    <Card title="Which service a sender picks" description={`Describe a sender, and see what their messaging service would choose for ${csi.replace(/^(tel|mailto):/u, "")}.`}>
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          id="sender-msp"
          label="The sender's service"
          value={senderMsp}
          onChange={(event) => setSenderMsp(event.target.value)}
          options={[...msps.map((msp) => ({ value: msp.id, label: msp.name })), { value: OTHER, label: "Another service" }]}
        />
        <TextField id="sender-context" label="Context they declare" hint="Optional, such as Business." value={context} maxLength={64} onChange={(event) => setContext(event.target.value)} />
        <TextField
          id="sender-identifier"
          label="Their number or address"
          hint="Optional. It stays in this browser."
          value={sender}
          maxLength={254}
          error={senderError}
          onChange={(event) => setSender(event.target.value)}
        />
      </div>
      <div className="mt-4 rounded-md border border-indigo-200 bg-indigo-50 p-4 text-sm text-indigo-950" aria-live="polite" data-testid="resolution">
        {busy || !resolution ? (
          <p>Working it out…</p>
        ) : (
          <>
            <p className="font-semibold">{resolution.preferred ? `They would message you on ${resolution.preferred.entry.msp}.` : "They would find no service to message you on."}</p>
            <ul className="mt-2 list-disc pl-5">
              {resolution.explanation.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        )}
      </div>
    </Card>
  );
}
