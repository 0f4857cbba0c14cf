import { isNull } from "drizzle-orm";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { msps } from "@/db/schema";
import { getEnv } from "@/env";
import { requireSession } from "@/web/current-session";
import { getRelyingParty } from "@/web/services";
import { now } from "@/lib/clock";
import { displayIdentifier } from "@/lib/identifiers/display";
import { previewLookup } from "@/lib/mappings/preview-lookup";
import { ResolveForSender } from "./_components/resolve-for-sender";

export const metadata: Metadata = { title: "What a lookup returns" };

const RESULT_WORDS = {
  none: "none: no mapping exists, so senders learn nothing about you here",
  opted_out: "opted out: mappings exist and list no messaging service",
  found: "found: senders learn where to reach you",
} as const;

/**
 * One of the recipient's identifiers as an MSP sees it: the answer a lookup gets today, what an MSP's verifier
 * makes of each mapping, and which service a given sender would pick, worked out in the browser by the MSP kit.
 */
export default async function LookupPreviewPage({ params }: { params: Promise<{ identifierId: string }> }) {
  const session = await requireSession();
  const { identifierId } = await params;
  const db = getDb();
  const preview = await previewLookup(db, { userId: session.userId, identifierId, issuer: getEnv().publicOrigin, rpId: getRelyingParty().rpId, now: now() });
  if (!preview) notFound();
  const registry = await db.select({ id: msps.id, name: msps.displayName }).from(msps).where(isNull(msps.deletedAt)).orderBy(msps.displayName);
  const answer = JSON.parse(preview.json) as { result: keyof typeof RESULT_WORDS };
  const display = displayIdentifier(preview.csi);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">What a lookup of {display} returns</h1>
        <p className="mt-1 text-slate-700">
          Exactly what a messaging service gets when it looks up {display} now, checked the way it checks it.{" "}
          <Link href="/mappings" className="text-indigo-700 underline underline-offset-2">
            Back to your mappings
          </Link>
        </p>
      </div>

      <Card title="The answer" description={`Result: ${RESULT_WORDS[answer.result]}.`}>
        {preview.verified.mappings.length === 0 ? (
          <p className="text-sm text-slate-600">No mapping is served for this identifier.</p>
        ) : (
          <ul className="flex flex-col gap-3" aria-label="Verification of each mapping">
            {preview.verified.mappings.map((mapping) => {
              const document = mapping.document as { label?: string; seq?: number };
              return (
                <li key={mapping.id} className="rounded-md border border-slate-200 p-3 text-sm" data-testid="verified-mapping">
                  <p className="font-medium text-slate-900">
                    “{document.label}” (version {document.seq}):{" "}
                    <span className={mapping.verification.ok ? "text-green-800" : "text-red-800"}>{mapping.verification.ok ? "verifies" : "does NOT verify"}</span>
                  </p>
                  <details className="mt-1">
                    <summary className="cursor-pointer text-slate-700">Each check</summary>
                    <ul className="mt-1 flex flex-col gap-1">
                      {mapping.verification.checks.map((check) => (
                        <li key={check.id} className="text-slate-700">
                          <span aria-hidden="true">{check.ok ? "✓" : "✗"}</span>
                          <span className="sr-only">{check.ok ? "Passed:" : "Failed:"}</span> {check.detail}
                        </li>
                      ))}
                    </ul>
                  </details>
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      <ResolveForSender csi={preview.csi} mappings={preview.verified.usable} msps={registry} />

      <Card title="The answer as JSON" description="Formatted for reading; the raw bytes are what MSPs receive.">
        <pre className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-4 font-mono text-[0.8125rem] leading-relaxed text-slate-100" tabIndex={0} aria-label="The lookup answer, formatted">
          {JSON.stringify(JSON.parse(preview.json), null, 2)}
        </pre>
        <p className="mt-3 text-sm">
          <a href={`/mappings/preview/${identifierId}/json`} className="text-indigo-700 underline underline-offset-2">
            Open the raw JSON
          </a>
        </p>
      </Card>
    </div>
  );
}
