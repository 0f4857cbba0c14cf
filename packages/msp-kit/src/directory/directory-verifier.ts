import { readJwks } from "../client/dp-config.ts";
import { describeFetchError } from "../client/dp-error.ts";
import { isRecord } from "../verifier/read-proof.ts";
import type { Verification, VerifyOptions } from "../verifier/types.ts";
import { verifyMapping } from "../verifier/verify-mapping.ts";
import { authoritativeDp, findDp } from "./authority.ts";
import type { Directory } from "./directory-schema.ts";

const JWKS_TIMEOUT_MS = 5_000;
// A DP's keys are fetched again after this, so that a rotated key verifies within minutes, not at the directory's expiry.
const JWKS_KEEP_MS = 5 * 60_000;

/** One served mapping judged against the DP that signed it: the DP of its own `dp`, found in the directory. */
export type MappingVerdict = { id: string; dp: string | undefined; ok: boolean; reason?: string; verification?: Verification };

export type DirectoryVerifier = {
  /** Verifies one served mapping `{ id, document, proof }` of `csi` against the keys of the DP in its `dp`. */
  verifyServedMapping: (mapping: unknown, csi: string) => Promise<MappingVerdict>;
  /** The VerifyOptions of a DP of the directory (its keys fetched once), for callers of verifyMapping. */
  optionsFor: (issuer: string) => Promise<Omit<VerifyOptions, "now" | "lastSeenSeq">>;
};

/**
 * The verifier with the directory as its list of trusted DPs (protocol section 8): a mapping is accepted only when
 * its `dp` is a DP of the directory, that DP is the one authoritative for the CSI (when the directory names one),
 * and the mapping verifies (section 2.1) under that DP's own keys. Keys are fetched once per DP and kept.
 */
export function createDirectoryVerifier(options: { directory: Directory; fetch?: typeof globalThis.fetch; now?: () => Date }): DirectoryVerifier {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const keys = new Map<string, { jwks: Promise<VerifyOptions["jwks"]>; until: number }>();

  const jwksOf = (issuer: string, jwksUri: string) => {
    const cached = keys.get(issuer);
    if (cached && cached.until > Date.now()) return cached.jwks;
    const jwks = fetchJwks(jwksUri, fetchImpl);
    // A failed fetch is not kept: the next mapping of that DP tries again.
    jwks.catch(() => keys.delete(issuer));
    keys.set(issuer, { jwks, until: Date.now() + JWKS_KEEP_MS });
    return jwks;
  };

  const optionsFor = async (issuer: string) => {
    const dp = findDp(options.directory, issuer);
    if (!dp) throw new Error(`${issuer} is not a DP of the directory`);
    return { issuer: dp.issuer, rpId: dp.rp_id, jwks: await jwksOf(dp.issuer, dp.jwks_uri) };
  };

  return {
    optionsFor,
    async verifyServedMapping(mapping, csi) {
      const id = isRecord(mapping) && typeof mapping.id === "string" ? mapping.id : "(no id)";
      const document = isRecord(mapping) ? mapping.document : undefined;
      const dpIssuer = isRecord(document) && typeof document.dp === "string" ? document.dp : undefined;
      if (!dpIssuer) return { id, dp: undefined, ok: false, reason: "The mapping names no DP." };
      if (!findDp(options.directory, dpIssuer)) return { id, dp: dpIssuer, ok: false, reason: `${dpIssuer} is not a DP of the directory.` };
      const authority = authoritativeDp(options.directory, csi);
      if (authority && authority.issuer !== dpIssuer) {
        return { id, dp: dpIssuer, ok: false, reason: `${dpIssuer} is not authoritative for this identifier; ${authority.issuer} is.` };
      }
      if (isRecord(document) && document.csi !== csi) return { id, dp: dpIssuer, ok: false, reason: "The mapping is for another identifier than the one asked." };
      let verify: Omit<VerifyOptions, "now" | "lastSeenSeq">;
      try {
        verify = await optionsFor(dpIssuer);
      } catch (error) {
        return { id, dp: dpIssuer, ok: false, reason: `The keys of ${dpIssuer} could not be fetched: ${describeFetchError(error)}.` };
      }
      const verification = await verifyMapping({ document, proof: isRecord(mapping) ? mapping.proof : undefined }, { ...verify, now: now() });
      if (verification.ok) return { id, dp: dpIssuer, ok: true, verification };
      const failed = verification.checks.filter((check) => !check.ok).map((check) => check.detail);
      return { id, dp: dpIssuer, ok: false, reason: failed.join(" "), verification };
    },
  };
}

async function fetchJwks(url: string, fetchImpl: typeof globalThis.fetch): Promise<VerifyOptions["jwks"]> {
  const response = await fetchImpl(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return readJwks(await response.json(), url);
}
