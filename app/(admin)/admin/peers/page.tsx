import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { now } from "@/lib/clock";
import { listPeers, type PeerRow, type PeersView } from "@/lib/federation/list-peers";

export const metadata: Metadata = { title: "Federation peers" };
export const dynamic = "force-dynamic";

const when = (date: Date | null | undefined) => (date ? date.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never");

const MODES = {
  standalone: "standalone: it answers from its own store only",
  hierarchical: "hierarchical: identifiers another DP is authoritative for are asked of that DP",
  federated: "federated: as hierarchical, and identifiers nobody claims are asked of every peer",
};

/** One DP of the directory as label and value pairs, so that it wraps on a phone instead of scrolling sideways. */
function PeerFacts({ row }: { row: PeerRow }) {
  const claims = [...row.dp.authoritative_for.e164_prefixes, ...row.dp.authoritative_for.email_domains];
  const facts: [string, React.ReactNode][] = [
    ["Region", row.dp.region],
    ["Authoritative for", claims.length > 0 ? claims.join(", ") : "nothing (answers what it holds)"],
    ["Trusted", "yes: listed in the signed directory"],
    ["Last answered us", when(row.status?.lastAnsweredAt)],
    ["Last asked us", when(row.status?.lastAskedAt)],
    ["Last failure", row.status?.lastFailedAt ? `${when(row.status.lastFailedAt)}: ${row.status.lastFailure ?? ""}` : "none"],
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-3">
      {facts.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs text-slate-600">{label}</dt>
          <dd className="mt-0.5 break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function PeersPage() {
  const env = getEnv();
  let view: PeersView | undefined;
  try {
    view = await listPeers(getDb(), env.federation, env.publicOrigin, now());
  } catch {
    view = undefined;
  }
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Federation peers</h1>
      <p className="max-w-3xl text-sm text-slate-700">
        The DPs this one works with, from a directory signed by its operator&apos;s key. A peer learns which DP asked it, never which messaging
        service or sender; each mapping a peer returns is verified against that peer&apos;s own keys before it is served.
      </p>
      {!view ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          The peers cannot be read: the database is down. Try again shortly.
        </p>
      ) : view.state === "standalone" ? (
        <Card title="No federation" description="This DP has no directory of peers (DIRECTORY_URL or DIRECTORY_FILE is not set).">
          <p className="text-sm text-slate-700">It answers every lookup from its own store. The README, &quot;Federation&quot;, says how to join or run one.</p>
        </Card>
      ) : view.state === "untrusted" ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          No peer is trusted now, because the directory is not: {view.reason} Lookups are answered from this DP&apos;s own store only until a valid
          directory is served.
        </p>
      ) : (
        <>
          <Card title="Directory" description={`Signed by ${view.issuedBy}; trusted until ${when(view.expires)}. Mode ${MODES[view.mode]}.`}>
            {!view.selfListed && (
              <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                This DP ({env.publicOrigin}) is not in the directory, so its peers will not answer it.
              </p>
            )}
            <p className="text-sm text-slate-700">{view.peers.length} DPs listed, this one included.</p>
          </Card>
          {view.peers.map((row) => (
            <Card key={row.dp.issuer} title={row.self ? `${row.dp.issuer} (this DP)` : row.dp.issuer}>
              <PeerFacts row={row} />
            </Card>
          ))}
          {view.unlisted.length > 0 && (
            <Card title="No longer listed" description="DPs this one talked to that the current directory does not list: they are not trusted now.">
              <ul className="list-disc pl-5 text-sm">
                {view.unlisted.map((row) => (
                  <li key={row.issuer} className="break-words">
                    {row.issuer}: last answered {when(row.lastAnsweredAt)}
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </>
      )}
    </div>
  );
}
