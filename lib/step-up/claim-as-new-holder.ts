import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { claimIdentifier } from "@/lib/accounts/claim-identifier";
import { recordAudit } from "@/lib/audit/record-audit";
import { createSession } from "@/lib/auth/create-session";
import type { Notice } from "@/lib/notifications/notify";
import type { SignedIn } from "./open-account";
import { takeStepUp } from "./take-step-up";

/**
 * "I am the new holder of this number": the identifier the code proved moves to a new account of the person's own,
 * by the path every new holder takes (claimIdentifier: the previous holder's mappings of it removed at once with
 * signed tombstones, a notice for the previous holder that does not say who), and a session starts for the new
 * account. Nothing of the previous account is read for the person. A CSIP lock refuses it all, and the step-up
 * stays open. The notice is for sendNotice, after commit.
 */
export async function claimAsNewHolder(options: {
  db: Database;
  token: string | undefined;
  now: Date;
  issuer: string;
  sealingKey: Buffer;
  previousSessionToken?: string | undefined;
}): Promise<SignedIn & { notice: Notice | null }> {
  const { db, now } = options;
  return withTransaction(db, async (tx) => {
    const stepUp = await takeStepUp(tx, options.token, now);
    const [user] = await tx.insert(users).values({}).returning({ id: users.id });
    const userId = user!.id;
    const notice = await claimIdentifier(tx, {
      userId,
      identifier: { uri: stepUp.identifier, lineType: stepUp.lineType },
      now,
      issuer: options.issuer,
      sealingKey: options.sealingKey,
    });
    await recordAudit(tx, {
      at: now,
      actorUserId: userId,
      actorKind: "recipient",
      action: "identifier.added",
      subjectType: "identifier",
      subjectId: stepUp.identifier,
      details: { as: "new_holder" },
    });
    const session = await createSession({ tx, userId, now, previousToken: options.previousSessionToken });
    return { userId, session, notice };
  });
}
