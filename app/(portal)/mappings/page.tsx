import type { Metadata } from "next";
import Link from "next/link";
import { MappingStateBadge } from "@/components/mapping-state-badge";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { msps } from "@/db/schema";
import { listIdentifiers } from "@/lib/accounts/list-identifiers";
import { requireSession } from "@/web/current-session";
import { now } from "@/lib/clock";
import { displayIdentifier } from "@/lib/identifiers/display";
import { lookupCsis } from "@/lib/lookup/lookup-csis";
import { listHistory, listMappingsForUser, type ListedMapping } from "@/lib/mappings/list-mappings";
import { listPasskeys } from "@/lib/passkeys/manage-passkeys";
import { describeMapping } from "@mimi-discovery/msp-kit";
import { listNotices } from "@/lib/notifications/notify";
import { RemoveMappingsButton } from "./_components/remove-mappings-button";
import { DateTime } from "@/components/ui/date-time";

export const metadata: Metadata = { title: "Your mappings" };

const RESULT_TEXT = {
  none: "nothing: no mapping exists for it",
  opted_out: "an opt-out: mappings exist and list no messaging service",
  found: "where to reach you",
} as const;

const HISTORY_TEXT: Record<string, string> = {
  "mapping.published": "Published a mapping",
  "mapping.delisted": "A mapping was de-listed",
  "mapping.removed": "Removed a mapping",
  "passkey.registered": "Registered a passkey",
  "passkey.removed": "Removed a passkey",
  "identifier.added": "Added an identifier",
  "identifier.removed": "Removed an identifier",
};

function when(date: Date) {
  return <DateTime value={date} />;
}

function MappingItem({ mapping, names }: { mapping: ListedMapping; names: Record<string, string> }) {
  return (
    <li className="flex flex-col gap-2 px-4 py-4" data-testid="mapping-item">
      <div className="flex flex-wrap items-center gap-2">
        <h4 className="font-semibold text-slate-900">{mapping.label}</h4>
        <MappingStateBadge state={mapping.state} />
        <span className="text-xs text-slate-600">version {mapping.seq}</span>
        {mapping.document.fresh && <span className="text-xs text-slate-600">· fresh (de-listed earlier mappings)</span>}
      </div>
      <ul className="list-disc pl-5 text-sm text-slate-700">
        {describeMapping(mapping.document, names).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p className="text-xs text-slate-600">
        Signed {when(mapping.createdAt)} · {mapping.state === "active" ? "valid until" : "was valid until"} {when(mapping.expiresAt)}
        {mapping.endedAt && <> · ended {when(mapping.endedAt)}</>}
      </p>
      {mapping.state === "active" && mapping.expiresAt.getTime() - Date.now() < 30 * 86_400_000 && (
        <p className="text-sm font-medium text-amber-900">
          Expires soon: renew it by signing it again (“Renew”), or it stops being served.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        {mapping.state === "active" && (
          <Link href={`/mappings/new?from=${mapping.id}`} className="text-indigo-700 underline underline-offset-2">
            {mapping.expiresAt.getTime() - Date.now() < 30 * 86_400_000 ? "Renew" : "Change"}
            <span className="sr-only"> {mapping.label}</span>
          </Link>
        )}
        <a href={`/mappings/${mapping.id}/json`} className="text-indigo-700 underline underline-offset-2">
          Download the signed mapping<span className="sr-only"> {mapping.label} version {mapping.seq}</span> (JSON)
        </a>
        {mapping.state === "active" && (
          <RemoveMappingsButton
            mappingIds={[mapping.id]}
            label={`Remove “${mapping.label}”`}
            context={`of ${displayIdentifier(mapping.csi)}`}
            confirmText="Lookups stop returning this mapping at once. A signed record of the removal is kept."
          />
        )}
      </div>
    </li>
  );
}

export default async function MappingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession();
  const params = await searchParams;
  const db = getDb();
  const at = now();
  const [identifiers, mappings, passkeyRows, registry, history, notices] = await Promise.all([
    listIdentifiers(db, session.userId),
    listMappingsForUser(db, session.userId, at),
    listPasskeys(db, session.userId),
    db.select({ id: msps.id, displayName: msps.displayName }).from(msps),
    listHistory(db, session.userId),
    listNotices(db, session.userId),
  ]);
  const lookups = await lookupCsis(db, identifiers.map((row) => row.uri), at);
  const names = Object.fromEntries(registry.map((msp) => [msp.id, msp.displayName]));

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Your mappings</h1>
        <p className="mt-1 text-slate-700">
          A mapping tells people who look up your number or email which messaging services reach you, and for whom. You sign each one with your passkey.
        </p>
      </div>
      {params.published && <Alert tone="success">Your mapping is signed and published. Lookups return it from now on.</Alert>}
      {params.removed && (
        <Alert tone="success">
          {params.removed === "1" ? "The mapping is removed." : `${params.removed} mappings are removed.`} Lookups no longer return{" "}
          {params.removed === "1" ? "it" : "them"}, and a signed record of the removal is kept.
        </Alert>
      )}
      {notices.length > 0 && (
        <Card title="Messages for you">
          <ul className="flex flex-col gap-2 text-sm" aria-label="Messages">
            {notices.slice(-5).reverse().map((notice) => (
              <li key={notice.id} className="rounded-md border border-amber-200 bg-amber-50 p-3 text-amber-950">
                <span className="block text-xs">{when(notice.createdAt)}</span>
                {notice.message}
              </li>
            ))}
          </ul>
        </Card>
      )}
      {passkeyRows.length === 0 && (
        <Alert tone="info">
          Mappings are signed with a passkey. <Link href="/account" className="underline">Register a passkey on your account page</Link> first.
        </Alert>
      )}
      {identifiers.map((identifier) => {
        const own = mappings.filter((mapping) => mapping.csi === identifier.uri);
        const current = own.filter((mapping) => mapping.state === "active");
        const earlier = own.filter((mapping) => mapping.state !== "active");
        const lookup = lookups.get(identifier.uri)!;
        return (
          <Card
            key={identifier.id}
            title={displayIdentifier(identifier.uri)}
            description={
              <>
                A lookup returns <strong>{RESULT_TEXT[lookup.result]}</strong>
                {lookup.mappings.length > 0 && <> ({lookup.mappings.length} active {lookup.mappings.length === 1 ? "mapping" : "mappings"})</>}.{" "}
                <a href={`/mappings/preview/${identifier.id}`} className="text-indigo-700 underline underline-offset-2">
                  See exactly what a lookup returns<span className="sr-only"> for {displayIdentifier(identifier.uri)}</span>
                </a>
              </>
            }
          >
            <div className="flex flex-col gap-4">
              {passkeyRows.length > 0 && (
                <div>
                  <Link
                    href={`/mappings/new?identifier=${identifier.id}`}
                    className="inline-flex rounded-md bg-indigo-700 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-800"
                  >
                    New mapping<span className="sr-only"> for {displayIdentifier(identifier.uri)}</span>
                  </Link>
                </div>
              )}
              {current.length === 0 ? (
                <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">No active mapping for this identifier.</p>
              ) : (
                <ul className="divide-y divide-slate-200 rounded-md border border-slate-200" aria-label={`Active mappings of ${displayIdentifier(identifier.uri)}`}>
                  {current.map((mapping) => (
                    <MappingItem key={mapping.id} mapping={mapping} names={names} />
                  ))}
                </ul>
              )}
              {current.length > 1 && (
                <div>
                  <RemoveMappingsButton
                    mappingIds={current.map((mapping) => mapping.id)}
                    label="Remove every mapping of this identifier"
                    context={displayIdentifier(identifier.uri)}
                    confirmText={`All ${current.length} active mappings of this identifier stop being served at once.`}
                  />
                </div>
              )}
              {earlier.length > 0 && (
                <details className="rounded-md border border-slate-200">
                  <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-slate-800">Earlier mappings ({earlier.length})</summary>
                  <ul className="divide-y divide-slate-200 border-t border-slate-200">
                    {earlier.map((mapping) => (
                      <MappingItem key={mapping.id} mapping={mapping} names={names} />
                    ))}
                  </ul>
                </details>
              )}
            </div>
          </Card>
        );
      })}
      <Card title="History" description="Changes to your mappings, passkeys and identifiers.">
        {history.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing yet.</p>
        ) : (
          <ol className="flex flex-col gap-1 text-sm">
            {history.map((entry) => {
              // A mapping's entries name it by label and identifier, read from the mapping itself (the audit row holds ids).
              const mapping = entry.subjectType === "mapping" ? mappings.find((row) => row.id === entry.subjectId) : undefined;
              return (
                <li key={entry.id} className="flex flex-wrap gap-x-2">
                  <span className="text-slate-600">{when(entry.at)}</span>
                  <span>{HISTORY_TEXT[entry.action] ?? entry.action}</span>
                  {mapping && (
                    <span className="text-slate-600">
                      “{mapping.label}” of {displayIdentifier(mapping.csi)}
                    </span>
                  )}
                  {!mapping && typeof entry.details.label === "string" && <span className="text-slate-600">“{entry.details.label}”</span>}
                  {typeof entry.details.name === "string" && <span className="text-slate-600">“{entry.details.name}”</span>}
                </li>
              );
            })}
          </ol>
        )}
      </Card>
    </div>
  );
}
