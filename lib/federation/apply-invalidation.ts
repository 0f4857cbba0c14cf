import type { Database } from "@/db/client";
import type { Notice } from "@/lib/notifications/notify";
import { authoritativeDp, createDirectoryVerifier, servedMappingSchema, type Directory, type DirectoryDp } from "@mimi-discovery/msp-kit";
import { delistOlder } from "./delist-older";
import { verifyReassignment } from "./verify-reassignment";

export type InvalidationOutcome =
  | { ok: true; delisted: number; notices: Notice[] }
  | { ok: false; refusal: "malformed" | "not_own" | "not_fresh" | "not_authoritative" | "unverified" | "stale"; detail: string };

/**
 * A peer's signed invalidation (protocol section 8): the fresh mapping it published, or its signed statement that a
 * new holder proved a recycled identifier. Either is verified here against the sender's own keys through the
 * directory; then every older mapping of that CSI stored here is de-listed with a signed tombstone and each previous
 * holder is told, without naming the new one. Refused, changing nothing: a mapping that is not the sender's own, not
 * fresh, from a DP not authoritative for the CSI, that does not verify, or older than what is already held here.
 */
export async function applyInvalidation(options: { db: Database; directory: Directory; peer: DirectoryDp; body: unknown; issuer: string; sealingKey: Buffer; now: Date }): Promise<InvalidationOutcome> {
  const { directory, peer, now } = options;
  const verifier = createDirectoryVerifier({ directory, now: () => now });
  const body = options.body as { mapping?: unknown; reassignment?: unknown } | null;
  const common = { db: options.db, fromDp: peer.issuer, issuer: options.issuer, sealingKey: options.sealingKey, now };
  if (body && "reassignment" in body && !("mapping" in body)) {
    const reassignment = await verifyReassignment({ statement: body.reassignment, peer, directory, verifier, now });
    if (!reassignment.ok) return { ok: false, refusal: "unverified", detail: reassignment.detail };
    return delistOlder({ ...common, csi: reassignment.csi, before: reassignment.provedAt, reference: `reassignment:${reassignment.provedAt.toISOString()}`, refuseIfNewerMapping: false });
  }
  const parsed = servedMappingSchema.safeParse(body?.mapping);
  if (!parsed.success) return { ok: false, refusal: "malformed", detail: 'The body must be { "mapping": { id, document, proof } } (a served mapping) or { "reassignment": "<JWS>" }.' };
  const { document } = parsed.data;
  if (document.dp !== peer.issuer) return { ok: false, refusal: "not_own", detail: `An invalidation carries the sender's own mapping; this one is by ${document.dp}.` };
  if (!document.fresh) return { ok: false, refusal: "not_fresh", detail: "Only a fresh mapping (fresh: true) invalidates older ones." };
  const authority = authoritativeDp(directory, document.csi);
  if (authority && authority.issuer !== peer.issuer) return { ok: false, refusal: "not_authoritative", detail: `${peer.issuer} is not authoritative for this identifier; ${authority.issuer} is.` };
  const verdict = await verifier.verifyServedMapping(body?.mapping, document.csi);
  if (!verdict.ok) return { ok: false, refusal: "unverified", detail: `The mapping does not verify: ${verdict.reason ?? "unknown reason"}` };
  return delistOlder({ ...common, csi: document.csi, before: new Date(document.created), reference: parsed.data.id, refuseIfNewerMapping: true });
}
