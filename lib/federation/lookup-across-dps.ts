import type { Database } from "@/db/client";
import { readForLookup } from "@/db/lookup-reader";
import type { FederationConfig } from "@/env";
import { lookupCsis } from "@/lib/lookup/lookup-csis";
import { canonicalize, createDirectoryVerifier, DirectoryError, findDp, resultOf, type Directory, type DirectoryVerifier, type LookupResultStatus } from "@mimi-discovery/msp-kit";
import { loadDpRequestSigner } from "./dp-request-signer";
import { emptyReport, type FederationReport } from "./federation-report";
import { loadDirectory } from "./load-directory";
import { planLookup } from "./plan-lookup";
import { postToPeer } from "./post-to-peer";
import { recordPeerOutcome } from "./peer-status";

/** One CSI's merged answer: each mapping as served JSON text (a local one spliced from its stored bytes). */
export type MergedLookup = { csi: string; result: LookupResultStatus; mappings: { dp: string; id: string; json: string; listsMsps: boolean }[] };

export type AcrossDps = { results: Map<string, MergedLookup>; report: FederationReport | undefined };

// One verifier per trusted directory object, so peers' keys are fetched once per directory, not per lookup.
const verifiers = new WeakMap<Directory, DirectoryVerifier>();

/**
 * A lookup as every transport calls it, across DPs: the CSIs this DP answers come from its store, the others from
 * the DPs the directory names (see planLookup), asked in parallel with a signed request and a bounded time and
 * size. Every mapping a peer returns is verified against its own DP's keys through the directory before it is
 * served, unchanged; one that fails is dropped and reported. Peers learn which DP asked, nothing about the MSP.
 */
export async function lookupAcrossDps(options: {
  db: Database;
  csis: string[];
  now: Date;
  federation: FederationConfig;
  origin: string;
  sealingKey: Buffer;
  /** How many DPs this request has passed through already (0 for an MSP's own lookup). */
  hops: number;
  askedBy?: string;
}): Promise<AcrossDps> {
  const { db, now, federation } = options;
  const csis = [...new Set(options.csis)];
  if (federation.mode === "standalone" && !federation.directoryUrl && !federation.directoryFile) return { results: await localOnly(csis, now, options.origin), report: undefined };
  const report = emptyReport();
  let directory: Directory | undefined;
  try {
    directory = (await loadDirectory(federation, now))?.directory;
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    report.unavailable.push({ dp: "directory", reason: `The directory is not trusted: ${error.message}` });
  }
  const self = directory ? findDp(directory, options.origin) : undefined;
  if (directory && !self) report.unavailable.push({ dp: "directory", reason: `This DP (${options.origin}) is not listed in the directory, so it asks no peer.` });
  if (!directory || !self || federation.mode === "standalone") return { results: await localOnly(csis, now, options.origin), report };

  const plan = planLookup({ csis, directory, self, mode: federation.mode, hops: options.hops, maxHops: federation.maxHops, askedBy: options.askedBy });
  for (const dp of plan.beyondHopLimit) report.unavailable.push({ dp, reason: `not asked: the request has passed ${options.hops} DPs, the hop limit is ${federation.maxHops}` });
  const results = await localOnly(plan.local, now, options.origin);
  for (const csi of csis) if (!results.has(csi)) results.set(csi, { csi, result: "none", mappings: [] });
  if (plan.remote.size === 0) return { results, report };

  const signer = await loadDpRequestSigner(db, options.sealingKey, self.issuer);
  let verifier = verifiers.get(directory);
  if (!verifier) verifiers.set(directory, (verifier = createDirectoryVerifier({ directory, now: () => new Date() })));
  const trustedVerifier = verifier;
  await Promise.all(
    [...plan.remote.values()].map(async ({ dp, csis: asked }) => {
      const answer = await postToPeer({ url: dp.endpoints.federation_lookup, body: { csis: asked }, hops: options.hops + 1, signer, timeoutMs: federation.peerTimeoutMs, maxBytes: federation.peerMaxAnswerBytes, now });
      const items = answer.ok && answer.status === 200 ? readResults(answer.body, asked.length) : undefined;
      if (!items) {
        const reason = !answer.ok ? answer.reason : answer.status !== 200 ? `answered ${answer.status}${problemDetail(answer.body)}` : "answered something other than one result per identifier asked";
        report.unavailable.push({ dp: dp.issuer, reason });
        await recordPeerOutcome(db, dp.issuer, { ok: false, reason }, now);
        return;
      }
      await recordPeerOutcome(db, dp.issuer, { ok: true }, now);
      // What the peer could not reach itself, passed on: the MSP learns every DP that was missed.
      const nested = (answer.ok ? (answer.body as { federation?: FederationReport }).federation : undefined) ?? emptyReport();
      if (Array.isArray(nested.unavailable)) for (const entry of nested.unavailable.slice(0, 100)) if (isStringPair(entry)) report.unavailable.push({ dp: entry.dp.slice(0, 300), reason: `(via ${dp.issuer}) ${entry.reason.slice(0, 300)}` });
      await Promise.all(
        asked.map(async (csi, index) => {
          const item = items[index] as { csi?: unknown; mappings?: unknown };
          const served = Array.isArray(item.mappings) ? item.mappings : [];
          if (item.csi !== csi) {
            report.dropped.push({ dp: dp.issuer, csi, mapping_id: "*", reason: "The peer answered for another identifier than the one asked." });
            return;
          }
          const merged = results.get(csi)!;
          for (const mapping of served) {
            const verdict = await trustedVerifier.verifyServedMapping(mapping, csi);
            if (!verdict.ok) {
              report.dropped.push({ dp: verdict.dp ?? dp.issuer, csi, mapping_id: verdict.id, reason: verdict.reason ?? "did not verify" });
              continue;
            }
            const { id, document, proof } = mapping as { id: string; document: unknown; proof: unknown };
            if (merged.mappings.some((known) => known.dp === verdict.dp && known.id === id)) continue;
            merged.mappings.push({ dp: verdict.dp!, id, listsMsps: resultOf([{ document }]) === "found", json: `{"id":${JSON.stringify(id)},"document":${canonicalize(document)},"proof":${JSON.stringify(proof)}}` });
          }
          // R5 over every mapping served, local and remote alike.
          merged.result = merged.mappings.some((entry) => entry.listsMsps) ? "found" : merged.mappings.length > 0 ? "opted_out" : "none";
        }),
      );
    }),
  );
  return { results, report };
}

/** This DP's own mappings, read where every lookup door reads them (the standby while it is safe, else the primary). */
async function localOnly(csis: string[], now: Date, origin: string): Promise<Map<string, MergedLookup>> {
  const found = await readForLookup((source) => lookupCsis(source, csis, now));
  const results = new Map<string, MergedLookup>();
  for (const [csi, lookup] of found) {
    results.set(csi, { csi, result: lookup.result, mappings: lookup.mappings.map((mapping) => ({ dp: origin, id: mapping.id, json: mapping.served, listsMsps: mapping.listsMsps })) });
  }
  return results;
}

function readResults(body: unknown, expected: number): unknown[] | undefined {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== expected) return undefined;
  return results.every((item) => typeof item === "object" && item !== null) ? results : undefined;
}

function problemDetail(body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  return typeof detail === "string" ? `: ${detail.slice(0, 200)}` : "";
}

function isStringPair(entry: unknown): entry is { dp: string; reason: string } {
  return typeof entry === "object" && entry !== null && typeof (entry as { dp?: unknown }).dp === "string" && typeof (entry as { reason?: unknown }).reason === "string";
}

/** A merged result as JSON text (protocol section 4), its mappings exactly as served. */
export function serializeMerged(lookup: MergedLookup): string {
  return `{"csi":${JSON.stringify(lookup.csi)},"result":${JSON.stringify(lookup.result)},"mappings":[${lookup.mappings.map((mapping) => mapping.json).join(",")}]}`;
}
