import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csipClaims, csips } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { checkNewClaim, normaliseClaimValue, type ClaimKind } from "@/lib/csip/claims";

/** Claims awaiting the operator, per CSIP: enough for a real filing, too few to flood the operator's queue. */
export const MAX_PENDING_CLAIMS = 20;

export type SubmitClaimResult =
  | { ok: true; claimId: string; value: string }
  | { ok: false; code: "invalid" | "duplicate" | "held_by_other" | "overlaps_own" | "too_many" | "no_csip"; message: string };

/**
 * Files a CSIP's claim on a number prefix or an email domain, as pending: the CSIP acts on it only once the DP
 * operator approves it. The value is normalised first and checked against every CSIP's pending and approved claims
 * (lib/csip/claims.ts says which conflicts are refused and why); rejected claims do not block a new filing.
 *
 * Two admins filing at once must not both pass the check: the check and the insert run under one transaction-scoped
 * advisory lock shared by every claim filing (filings are rare, so one lock for all costs nothing). The caller has
 * already checked that `userId` administers `csipId`.
 */
export async function submitClaim(options: {
  db: Database;
  csipId: string;
  userId: string;
  kind: ClaimKind;
  input: string;
  now: Date;
}): Promise<SubmitClaimResult> {
  const { db, csipId, userId, kind, now } = options;
  const normalised = normaliseClaimValue(kind, options.input);
  if (!normalised.ok) return { ok: false, code: "invalid", message: normalised.message };
  const value = normalised.value;

  return withTransaction(db, async (tx): Promise<SubmitClaimResult> => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('mimi.csip-claims', 0))`);
    const [csip] = await tx.select({ id: csips.id }).from(csips).where(and(eq(csips.id, csipId), isNull(csips.deletedAt)));
    if (!csip) return { ok: false, code: "no_csip", message: "This CSIP no longer exists." };

    // A deleted CSIP's claims no longer grant authority (apply-csip-removals ignores them), so they block nothing.
    const existing = await tx
      .select({ csipId: csipClaims.csipId, kind: csipClaims.kind, value: csipClaims.value, status: csipClaims.status })
      .from(csipClaims)
      .innerJoin(csips, eq(csips.id, csipClaims.csipId))
      .where(and(eq(csipClaims.kind, kind), inArray(csipClaims.status, ["pending", "approved"]), isNull(csips.deletedAt)));
    const checked = checkNewClaim(
      { csipId, kind, value },
      existing.map((row) => ({ claim: { csipId: row.csipId, kind: row.kind, value: row.value }, status: row.status as "pending" | "approved" })),
    );
    if (!checked.ok) return { ok: false, code: checked.code, message: checked.message };

    const [pending] = await tx
      .select({ total: count() })
      .from(csipClaims)
      .where(and(eq(csipClaims.csipId, csipId), eq(csipClaims.status, "pending")));
    if ((pending?.total ?? 0) >= MAX_PENDING_CLAIMS) {
      return {
        ok: false,
        code: "too_many",
        message: `You already have ${MAX_PENDING_CLAIMS} claims awaiting approval. Wait for the operator to decide on them first.`,
      };
    }

    const [created] = await tx
      .insert(csipClaims)
      .values({ csipId, kind, value, status: "pending", createdAt: now })
      .returning({ id: csipClaims.id });
    await recordAudit(tx, {
      at: now,
      actorUserId: userId,
      actorKind: "csip",
      action: "csip_claim.submitted",
      subjectType: "csip",
      subjectId: csipId,
      details: { claim: created!.id, kind, value },
    });
    return { ok: true, claimId: created!.id, value };
  });
}
