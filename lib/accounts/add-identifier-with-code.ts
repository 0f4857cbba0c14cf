import type { Database } from "@/db/client";
import { withTransaction } from "@/db/transaction";
import type { AppKeys } from "@/lib/crypto/app-keys";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Notice } from "@/lib/notifications/notify";
import { consumeCode, type ConsumeCodeOutcome } from "@/lib/otp/consume-code";
import { claimIdentifier } from "./claim-identifier";

export type AddIdentifierOutcome = { ok: true; uri: string; notice: Notice | null } | Exclude<ConsumeCodeOutcome, { ok: true }>;

/** Adds the identifier a code was sent to, to the account that asked for the code. */
export async function addIdentifierWithCode(options: {
  db: Database;
  keys: Pick<AppKeys, "otp" | "buckets">;
  userId: string;
  challengeId: string;
  code: string;
  now: Date;
  issuer: string;
  sealingKey: Buffer;
}): Promise<AddIdentifierOutcome> {
  const { db, keys, userId, challengeId, code, now } = options;
  return withTransaction(db, async (tx) => {
    const outcome = await consumeCode({ tx, keys, challengeId, code, purpose: "add_identifier", userId, now });
    if (!outcome.ok) return outcome;
    const { identifier, lineType } = outcome.challenge;
    const notice = await claimIdentifier(tx, { userId, identifier: { uri: identifier, lineType }, now, issuer: options.issuer, sealingKey: options.sealingKey });
    await recordAudit(tx, { at: now, actorUserId: userId, actorKind: "recipient", action: "identifier.added", subjectType: "identifier", subjectId: outcome.challenge.identifier });
    return { ok: true, uri: outcome.challenge.identifier, notice };
  });
}
