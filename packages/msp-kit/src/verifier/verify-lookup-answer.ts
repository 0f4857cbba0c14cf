import type { LookupResultStatus, MappingDocument } from "../wire/index.ts";
import { isRecord } from "./read-proof.ts";
import type { Verification, VerifyOptions } from "./types.ts";
import { verifyLookupItem } from "./verify-lookup-item.ts";

/** Something wrong with a lookup answer as a whole rather than with one mapping of it. */
export type AnswerCheck = { id: "csi" | "result" | "shape" | "record"; detail: string };

export type VerifiedAnswer = {
  /** Every check of every mapping passed, and the answer is about the CSI asked with the result its mappings make. */
  ok: boolean;
  answerChecks: AnswerCheck[];
  mappings: { id: string; document: unknown; proof: unknown; verification: Verification }[];
  /** The mappings that verified, as documents to resolve over: none when the answer is about another CSI. */
  usable: { id: string; document: MappingDocument }[];
};

/**
 * What an MSP must check of a lookup answer before acting on it: each mapping (protocol 2.1, through
 * verifyLookupItem), and the answer's coherence. A DP answering for another CSI than the one asked could steer the
 * sender to someone else's services, and MSPs act on `result` (R5), so one that disagrees with the mappings misleads
 * them even when every proof holds.
 */
export async function verifyLookupAnswer(item: unknown, askedFor: string, options: Omit<VerifyOptions, "lastSeenSeq">): Promise<VerifiedAnswer> {
  if (!isRecord(item) || typeof item.csi !== "string" || typeof item.result !== "string" || !Array.isArray(item.mappings)) {
    return { ok: false, answerChecks: [{ id: "shape", detail: "The answer is not a lookup result {csi, result, mappings}." }], mappings: [], usable: [] };
  }
  const served: unknown[] = item.mappings;
  const answerChecks: AnswerCheck[] = [];
  const sameCsi = item.csi === askedFor;
  if (!sameCsi) {
    answerChecks.push({ id: "csi", detail: `the DP answered for ${item.csi}, not for ${askedFor} which was looked up; none of its mappings is used.` });
  }
  const expected = resultOf(served);
  if (item.result !== expected) {
    answerChecks.push({ id: "result", detail: `the DP said ${JSON.stringify(item.result)}, but the mappings it served make it ${JSON.stringify(expected)}.` });
  }
  const { mappings: verifications } = await verifyLookupItem(item, options);
  const mappings = verifications.map(({ id, verification }, index) => {
    const mapping = served[index] as Record<string, unknown> | undefined;
    return { id, document: mapping?.document, proof: mapping?.proof, verification };
  });
  // A mapping that passed the document check has a valid MappingDocument.
  const usable = sameCsi
    ? mappings.filter((mapping) => mapping.verification.ok).map(({ id, document }) => ({ id, document: document as MappingDocument }))
    : [];
  const ok = answerChecks.length === 0 && mappings.every((mapping) => mapping.verification.ok);
  return { ok, answerChecks, mappings, usable };
}

/** Protocol section 4: what `result` must be for the mappings served. */
export function resultOf(mappings: unknown[]): LookupResultStatus {
  if (mappings.length === 0) return "none";
  const listsMsp = mappings.some((mapping) => {
    const document = isRecord(mapping) ? mapping.document : undefined;
    return isRecord(document) && Array.isArray(document.entries) && document.entries.length > 0;
  });
  return listsMsp ? "found" : "opted_out";
}
