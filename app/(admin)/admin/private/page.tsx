import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { getSpendStore } from "@/http/private-services";
import { now } from "@/lib/clock";
import { ISSUER_KEY_GRACE_MS, OHTTP_KEY_GRACE_MS, OPRF_KEY_GRACE_MS } from "@/lib/private/key-policy";
import { privateStats, type PrivateStats } from "@/lib/private/private-stats";
import { rotateIssuerKeyAction, rotateOhttpKeyAction, rotateOprfKeyAction } from "./actions";
import { RotateForm } from "./_components/rotate-form";

export const metadata: Metadata = { title: "Private lookups" };
export const dynamic = "force-dynamic";

const when = (date: Date | null) => (date ? date.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");
const days = (ms: number) => `${ms / 86_400_000} days`;
const th = "py-2 pr-4 font-medium";

/** One key's facts as label and value pairs: a grid that wraps on a phone instead of a table that scrolls sideways. */
function KeyFacts({ facts }: { facts: [string, React.ReactNode][] }) {
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-5">
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs text-slate-600">{label}</dt>
          <dd className="mt-0.5">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function PrivateLookupsPage() {
  const at = now();
  let stats: PrivateStats | undefined;
  let unavailable = false;
  try {
    stats = await privateStats(getDb(), getSpendStore(), at);
  } catch {
    unavailable = true;
  }
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Private lookups</h1>
      <p className="max-w-3xl text-sm text-slate-700">
        MSPs buy Privacy Pass tokens with their API key, one per identifier, and spend them on lookups sent through an Oblivious HTTP relay. A
        spent token names no MSP, so redemptions are only ever counted per key, for all MSPs together.
      </p>
      {unavailable || !stats ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          The numbers cannot be read: the database or the Redis store is down. Try again shortly.
        </p>
      ) : (
        <>
          <Card title="Tokens issued per MSP" description={`Today (UTC) and over the last ${stats.days} days, each token charged as one identifier of the MSP's limits.`}>
            {stats.issuance.length === 0 ? (
              <p className="text-sm text-slate-600">No MSP has fetched tokens in the last {stats.days} days.</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">Tokens issued per MSP</caption>
                  <thead className="border-b border-slate-200 text-slate-600">
                    <tr>
                      <th scope="col" className={th}>MSP</th>
                      <th scope="col" className={th}>Today</th>
                      <th scope="col" className="py-2 font-medium">Last {stats.days} days</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-200">
                    {stats.issuance.map((row) => (
                      <tr key={row.mspId}>
                        <td className="py-2 pr-4">
                          {row.displayName}
                          <div className="text-xs text-slate-600">{row.mspId}</div>
                        </td>
                        <td className="py-2 pr-4 tabular-nums">{row.today.toLocaleString("en-US")}</td>
                        <td className="py-2 tabular-nums">{row.lastDays.toLocaleString("en-US")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
          <Card
            title="Token issuer keys"
            description={`Privacy Pass, token type 2 (Blind RSA 2048). One key issues per epoch; its tokens are still redeemed for ${days(ISSUER_KEY_GRACE_MS)} after it stops issuing.`}
          >
            <ul className="flex flex-col divide-y divide-slate-200" aria-label="Token issuer keys">
              {stats.issuerKeys.map((key) => (
                <li key={key.tokenKeyIdHex} className="py-3">
                  <KeyFacts
                    facts={[
                      ["Key id", <span key="id" className="break-all font-mono text-xs" title={key.tokenKeyIdHex}>{key.tokenKeyIdHex.slice(0, 16)}…</span>],
                      ["State", key.issuesUntil > at ? "Issuing" : "Redeemed only"],
                      ["Issues until", when(key.issuesUntil)],
                      ["Redeemed until", when(key.acceptedUntil)],
                      ["Redemptions (all MSPs)", key.redeemed.toLocaleString("en-US")],
                    ]}
                  />
                </li>
              ))}
            </ul>
            <div className="mt-4 border-t border-slate-200 pt-4">
              <p className="mb-3 text-sm text-slate-700">Rotate: the issuing key stops issuing now, and a new key issues. The same as <code className="font-mono text-xs">npm run keys:rotate -- --issuer</code>.</p>
              <RotateForm id="issuer" label="Rotate the issuer key" action={rotateIssuerKeyAction} />
            </div>
          </Card>
          <Card title="OHTTP gateway keys" description={`X25519, HKDF-SHA256, AES-128-GCM. A retired key still opens requests for ${days(OHTTP_KEY_GRACE_MS)}.`}>
            <ul className="flex flex-col divide-y divide-slate-200" aria-label="OHTTP gateway keys">
              {stats.ohttpKeys.map((key) => (
                <li key={key.keyId} className="py-3">
                  <KeyFacts
                    facts={[
                      ["Key id", <span key="id" className="font-mono">{key.keyId}</span>],
                      ["State", key.retiredAt ? "Retired" : "Active"],
                      ["Created", when(key.createdAt)],
                      ["Accepted until", key.retiredAt ? when(key.acceptedUntil) : "while active"],
                    ]}
                  />
                </li>
              ))}
            </ul>
            <div className="mt-4 border-t border-slate-200 pt-4">
              <p className="mb-3 text-sm text-slate-700">Rotate: a new key id becomes active. The same as <code className="font-mono text-xs">npm run keys:rotate -- --ohttp</code>.</p>
              <RotateForm id="ohttp" label="Rotate the OHTTP key" action={rotateOhttpKeyAction} />
            </div>
          </Card>
          <Card title="OPRF keys of the buckets" description={`RFC 9497 ristretto255-SHA512, VOPRF. A key being built answers nothing yet; a retiring key still answers for ${days(OPRF_KEY_GRACE_MS)}.`}>
            <ul className="flex flex-col divide-y divide-slate-200" aria-label="OPRF keys">
              {stats.oprfKeys.map((key) => (
                <li key={key.epoch} className="py-3">
                  <KeyFacts
                    facts={[
                      ["Epoch", <span key="epoch" className="font-mono">{key.epoch}</span>],
                      ["State", key.state === "active" ? "Active" : key.state === "building" ? "Being built" : "Retiring"],
                      ["Records", key.records.toLocaleString("en")],
                      ["bucket_bits", String(key.bucket_bits)],
                    ]}
                  />
                </li>
              ))}
            </ul>
            <div className="mt-4 border-t border-slate-200 pt-4">
              <p className="mb-3 text-sm text-slate-700">Rotate: a new key is built in the background and becomes active once complete. The same as <code className="font-mono text-xs">npm run keys:rotate -- --oprf</code>.</p>
              <RotateForm id="oprf" label="Rotate the OPRF key" action={rotateOprfKeyAction} />
            </div>
          </Card>
        </>
      )}
    </div>
  );
}
