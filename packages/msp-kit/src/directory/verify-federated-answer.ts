import { isRecord } from "../verifier/read-proof.ts";
import type { Verification } from "../verifier/types.ts";
import { resultOf, verifyLookupAnswer, type AnswerCheck, type VerifiedAnswer } from "../verifier/verify-lookup-answer.ts";
import { authoritativeDp, findDp } from "./authority.ts";
import type { Directory } from "./directory-schema.ts";
import type { DirectoryVerifier } from "./directory-verifier.ts";

/**
 * A lookup answer from a DP that federates (protocol section 8): its mappings may come from other DPs, each to be
 * verified against its own DP's keys, the DP of its `dp`, which must be in the directory and (when the directory
 * names one) the DP authoritative for the CSI. The answer's own coherence (the CSI asked, the result its mappings
 * make) is checked as for a single DP.
 */
export async function verifyFederatedAnswer(item: unknown, askedFor: string, options: { directory: Directory; verifier: DirectoryVerifier; now: Date }): Promise<VerifiedAnswer> {
  if (!isRecord(item) || typeof item.csi !== "string" || typeof item.result !== "string" || !Array.isArray(item.mappings)) {
    return { ok: false, answerChecks: [{ id: "shape", detail: "The answer is not a lookup result {csi, result, mappings}." }], mappings: [], usable: [] };
  }
  const served: unknown[] = item.mappings;
  const answerChecks: AnswerCheck[] = [];
  if (item.csi !== askedFor) answerChecks.push({ id: "csi", detail: `the DP answered for ${item.csi}, not for ${askedFor} which was looked up; none of its mappings is used.` });
  const expected = resultOf(served);
  if (item.result !== expected) answerChecks.push({ id: "result", detail: `the DP said ${JSON.stringify(item.result)}, but the mappings it served make it ${JSON.stringify(expected)}.` });

  const byDp = new Map<string, number[]>();
  served.forEach((mapping, index) => {
    const document = isRecord(mapping) ? mapping.document : undefined;
    const dp = isRecord(document) && typeof document.dp === "string" ? document.dp : "";
    byDp.set(dp, [...(byDp.get(dp) ?? []), index]);
  });
  const results: VerifiedAnswer["mappings"] = new Array(served.length);
  const authority = authoritativeDp(options.directory, askedFor);
  for (const [dp, indexes] of byDp) {
    const group = indexes.map((index) => served[index]);
    const refusal = !findDp(options.directory, dp)
      ? `${dp || "The mapping's DP"} is not a DP of the directory.`
      : authority && authority.issuer !== dp
        ? `${dp} is not authoritative for ${askedFor}; ${authority.issuer} is.`
        : undefined;
    let verified: VerifiedAnswer | undefined;
    if (!refusal) {
      try {
        verified = await verifyLookupAnswer({ csi: item.csi, result: resultOf(group), mappings: group }, askedFor, { ...(await options.verifier.optionsFor(dp)), now: options.now });
      } catch (error) {
        verified = undefined;
        indexes.forEach((index) => (results[index] = failed(served[index], `The keys of ${dp} could not be fetched: ${(error as Error).message}`)));
        continue;
      }
    }
    indexes.forEach((index, position) => (results[index] = verified ? verified.mappings[position]! : failed(served[index], refusal!)));
  }
  const usable = item.csi === askedFor ? results.filter((mapping) => mapping.verification.ok).map(({ id, document }) => ({ id, document: document as VerifiedAnswer["usable"][number]["document"] })) : [];
  return { ok: answerChecks.length === 0 && results.every((mapping) => mapping.verification.ok), answerChecks, mappings: results, usable };
}

function failed(mapping: unknown, detail: string): VerifiedAnswer["mappings"][number] {
  const record = isRecord(mapping) ? mapping : {};
  const verification: Verification = { ok: false, checks: [{ id: "binding", ok: false, detail }] };
  return { id: typeof record.id === "string" ? record.id : "(no id)", document: record.document, proof: record.proof, verification };
}
