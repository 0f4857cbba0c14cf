import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { federationInvalidations, mappings } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { recordNotice, type Notice } from "@/lib/notifications/notify";
import { removeMappings } from "@/lib/removals/remove-mappings";

export type DelistOutcome = { ok: true; delisted: number; notices: Notice[] } | { ok: false; refusal: "stale"; detail: string };

/**
 * De-lists, in one transaction, this DP's active mappings of `csi` made before `before`, each with a signed
 * tombstone and a notice to its holder that names nobody. Refused as stale, changing nothing, when an invalidation
 * already applied here is newer, or (`refuseIfNewerMapping`) when a mapping held here is newer than the one that
 * invalidates. The invalidation is recorded only when it de-listed something, so a CSI this DP holds nothing of
 * leaves no row.
 */
export async function delistOlder(options: {
  db: Database;
  csi: string;
  before: Date;
  fromDp: string;
  reference: string;
  refuseIfNewerMapping: boolean;
  issuer: string;
  sealingKey: Buffer;
  now: Date;
}): Promise<DelistOutcome> {
  const { csi, before, now } = options;
  return withTransaction(options.db, async (tx) => {
    // The same lock as a local publish of this CSI, so the two cannot interleave.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`mapping:${csi}`}, 0))`);
    const [later] = await tx
      .select({ id: federationInvalidations.id })
      .from(federationInvalidations)
      .where(and(eq(federationInvalidations.csi, csi), gt(federationInvalidations.documentCreated, before)))
      .limit(1);
    const [newer] = options.refuseIfNewerMapping
      ? await tx
          .select({ id: mappings.id })
          .from(mappings)
          .where(and(eq(mappings.csi, csi), eq(mappings.status, "active"), gt(mappings.createdAt, before)))
          .limit(1)
      : [];
    if (later || newer) return { ok: false, refusal: "stale", detail: "This invalidation is older than a mapping or an invalidation of this identifier already held here." } as const;
    const older = await tx
      .select({ id: mappings.id })
      .from(mappings)
      .where(and(eq(mappings.csi, csi), eq(mappings.status, "active"), lt(mappings.createdAt, before)));
    if (older.length === 0) return { ok: true, delisted: 0, notices: [] } as const;
    const removed = await removeMappings({ tx, mappingIds: older.map((row) => row.id), actor: { kind: "system" }, reason: "invalidated", issuer: options.issuer, key: await loadActiveSigningKey(tx, options.sealingKey), sealingKey: options.sealingKey, now });
    await tx
      .insert(federationInvalidations)
      .values({ csi, fromDp: options.fromDp, mappingId: options.reference, documentCreated: before, receivedAt: now, delisted: removed.length })
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
