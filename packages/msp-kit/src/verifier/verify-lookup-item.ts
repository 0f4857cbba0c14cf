import { isRecord } from "./read-proof.ts";
import type { CheckId, CheckResult, Verification, VerifyOptions } from "./types.ts";
import { verifyMapping } from "./verify-mapping.ts";

/**
 * One slot of a lookup answer (protocol section 4). Beyond each mapping's own checks, the answer must be coherent:
 * every mapping is for the CSI that was looked up, and a `fresh` mapping de-lists every earlier one of its CSI
 * (R9), so an older mapping served beside it is a replay even to a verifier that remembers nothing.
 */
export async function verifyLookupItem(
  item: unknown,
  options: Omit<VerifyOptions, "lastSeenSeq">,
): Promise<{ ok: boolean; mappings: { id: string; verification: Verification }[] }> {
  // An error slot or a malformed item has nothing to verify, and nothing in it may be trusted either.
  if (!isRecord(item) || typeof item.csi !== "string" || !Array.isArray(item.mappings)) return { ok: false, mappings: [] };
  const itemCsi = item.csi;
  const served = item.mappings.map((mapping: unknown, index) => ({
    id: isRecord(mapping) && typeof mapping.id === "string" ? mapping.id : `#${index + 1}`,
    document: isRecord(mapping) ? mapping.document : undefined,
    proof: isRecord(mapping) ? mapping.proof : undefined,
  }));
  const verified = await Promise.all(served.map(async ({ id, document, proof }) => ({ id, document, ...(await verifyMapping({ document, proof }, options)) })));
  // Only a fresh mapping that verifies may de-list the others: a forged or broken one is trusted for nothing.
  const newestFresh = newestFreshSeq(verified.filter((mapping) => mapping.ok).map((mapping) => mapping.document), itemCsi);

  const mappings = verified.map(({ id, document, checks }) => {
    const csi = isRecord(document) ? document.csi : undefined;
    const seq = isRecord(document) ? document.seq : undefined;
    if (csi !== itemCsi) {
      amend(checks, "document", `The document is for ${JSON.stringify(csi ?? null)}, but the lookup answered for ${JSON.stringify(itemCsi)}.`);
    }
    // Stryker disable next-line ConditionalExpression: equivalent, a number is never below undefined.
    if (newestFresh !== undefined && typeof seq === "number" && seq < newestFresh) {
      amend(checks, "replay", `This is an older mapping than one already seen: a fresh mapping with seq ${newestFresh} in the same answer de-lists its seq ${seq}.`);
    }
    return { id, verification: { ok: checks.every((check) => check.ok), checks } };
  });
  return { ok: mappings.every((mapping) => mapping.verification.ok), mappings };
}

function newestFreshSeq(documents: unknown[], csi: string): number | undefined {
  const seqs = documents.flatMap((document) =>
    // Stryker disable next-line ConditionalExpression: equivalent, a document that verified has a numeric seq.
    isRecord(document) && document.fresh === true && document.csi === csi && typeof document.seq === "number" ? [document.seq] : [],
  );
  // Stryker disable next-line ConditionalExpression: equivalent, no seq is below Math.max() of nothing (-Infinity).
  return seqs.length === 0 ? undefined : Math.max(...seqs);
}

// The failure explains itself first; an earlier failure of the same check stays after it.
function amend(checks: CheckResult[], id: CheckId, failure: string): void {
  const index = checks.findIndex((check) => check.id === id);
  const previous = checks[index];
  // Stryker disable next-line ConditionalExpression: verifyMapping always returns every check, so this never happens.
  if (previous === undefined) return;
  checks[index] = { id, ok: false, detail: previous.ok ? failure : `${failure} ${previous.detail}` };
}
