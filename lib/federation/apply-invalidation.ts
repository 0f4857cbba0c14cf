import { and, eq, gt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { federationInvalidations, mappings } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { recordNotice, type Notice } from "@/lib/notifications/notify";
import { removeMappings } from "@/lib/removals/remove-mappings";
import { authoritativeDp, createDirectoryVerifier, servedMappingSchema, type Directory, type DirectoryDp } from "@mimi-discovery/msp-kit";

export type InvalidationOutcome =
  | { ok: true; delisted: number; notices: Notice[] }
  | { ok: false; refusal: "malformed" | "not_own" | "not_fresh" | "not_authoritative" | "unverified" | "stale"; detail: string };

/**
 * A peer's signed invalidation (protocol section 8): the fresh mapping it published, verified here against the
 * sender's own keys through the directory, then every older mapping of that CSI stored here is de-listed with a
 * signed tombstone, and each previous holder is told without naming the new one. Refused, changing nothing: a
 * mapping that is not the sender's own, not fresh, from a DP not authoritative for the CSI, that does not verify,
 * or that is older than a mapping or an invalidation already held for the CSI. A CSI this DP holds nothing of is
 * not recorded at all (residency: a peer's mention does not make this DP keep a row about it).
 */
export async function applyInvalidation(options: { db: Database; directory: Directory; peer: DirectoryDp; body: unknown; issuer: string; sealingKey: Buffer; now: Date }): Promise<InvalidationOutcome> {
  const { directory, peer, now } = options;
  const mapping = (options.body as { mapping?: unknown } | null)?.mapping;
  const parsed = servedMappingSchema.safeParse(mapping);
  if (!parsed.success) return { ok: false, refusal: "malformed", detail: "The body must be { \"mapping\": { id, document, proof } }, a served mapping." };
  const { document } = parsed.data;
  if (document.dp !== peer.issuer) return { ok: false, refusal: "not_own", detail: `An invalidation carries the sender's own mapping; this one is by ${document.dp}.` };
  if (!document.fresh) return { ok: false, refusal: "not_fresh", detail: "Only a fresh mapping (fresh: true) invalidates older ones." };
  const authority = authoritativeDp(directory, document.csi);
  if (authority && authority.issuer !== peer.issuer) return { ok: false, refusal: "not_authoritative", detail: `${peer.issuer} is not authoritative for this identifier; ${authority.issuer} is.` };
  const verdict = await createDirectoryVerifier({ directory, now: () => now }).verifyServedMapping(mapping, document.csi);
  if (!verdict.ok) return { ok: false, refusal: "unverified", detail: `The mapping does not verify: ${verdict.reason ?? "unknown reason"}` };

  const created = new Date(document.created);
  return withTransaction(options.db, async (tx) => {
    // The same lock as a local publish of this CSI, so the two cannot interleave.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`mapping:${document.csi}`}, 0))`);
    const [newer] = await tx
      .select({ id: mappings.id })
      .from(mappings)
      .where(and(eq(mappings.csi, document.csi), eq(mappings.status, "active"), gt(mappings.createdAt, created)))
      .limit(1);
    const [later] = await tx
      .select({ id: federationInvalidations.id })
      .from(federationInvalidations)
      .where(and(eq(federationInvalidations.csi, document.csi), gt(federationInvalidations.documentCreated, created)))
      .limit(1);
    if (newer || later) return { ok: false, refusal: "stale", detail: "This invalidation is older than a mapping or an invalidation of this identifier already held here." } as const;
    const older = await tx
      .select({ id: mappings.id })
      .from(mappings)
      .where(and(eq(mappings.csi, document.csi), eq(mappings.status, "active")));
    if (older.length === 0) return { ok: true, delisted: 0, notices: [] } as const;
    const removed = await removeMappings({ tx, mappingIds: older.map((row) => row.id), actor: { kind: "system" }, reason: "invalidated", issuer: options.issuer, key: await loadActiveSigningKey(tx, options.sealingKey), now });
    await tx
      .insert(federationInvalidations)
      .values({ csi: document.csi, fromDp: peer.issuer, mappingId: parsed.data.id, documentCreated: created, receivedAt: now, delisted: removed.length })
      .onConflictDoNothing();
    const notices: Notice[] = [];
    for (const userId of new Set(removed.map((row) => row.userId))) {
      const notice: Notice = {
        userId,
        kind: "mapping.invalidated",
        subject: "A mapping of yours was withdrawn",
        text: `A newer holder of a phone number or email address on your account proved it at another discovery provider, so your mappings of it here are no longer served. If it is still yours, sign in at ${options.issuer} and prove it again.`,
      };
      await recordNotice(tx, notice, now);
      notices.push(notice);
    }
    return { ok: true, delisted: removed.length, notices } as const;
  });
}
