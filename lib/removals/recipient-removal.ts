import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings, passkeys } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { MappingError } from "@/lib/mappings/mapping-error";
import { answerChallenge, consumeChallenge, type AssertionResponse } from "@/lib/passkeys/answer-challenge";
import { storeChallenge, WEBAUTHN_CHALLENGE_TTL_MS } from "@/lib/passkeys/challenges";
import type { RelyingParty } from "@/lib/passkeys/relying-party";
import { removeMappings } from "./remove-mappings";

/**
 * Asks the recipient's passkey to confirm removing these mappings (one, or every mapping of an identifier).
 * What is to be removed is kept server-side with the challenge, so the confirmation cannot be re-aimed.
 */
export async function startRecipientRemoval(options: {
  db: Database;
  rp: RelyingParty;
  userId: string;
  mappingIds: string[];
  now: Date;
}): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON; count: number }> {
  const { db, rp, userId, now } = options;
  const owned = await db
    .select({ id: mappings.id })
    .from(mappings)
    .where(and(inArray(mappings.id, options.mappingIds), eq(mappings.userId, userId), eq(mappings.status, "active")));
  if (owned.length === 0) throw new MappingError("not_found");
  const credentials = await db.select({ id: passkeys.credentialId }).from(passkeys).where(eq(passkeys.userId, userId));
  if (credentials.length === 0) throw new MappingError("no_passkey");
  const stored = await storeChallenge(db, { purpose: "remove_mapping", userId, payload: JSON.stringify(owned.map((row) => row.id)), now });
  return {
    challengeId: stored.id,
    count: owned.length,
    options: {
      challenge: stored.challenge,
      rpId: rp.rpId,
      allowCredentials: credentials.map((credential) => ({ id: credential.id, type: "public-key" })),
      userVerification: "required",
      timeout: WEBAUTHN_CHALLENGE_TTL_MS,
    },
  };
}

/** Removes the confirmed mappings, with their tombstones, in the transaction that consumes the confirmation. */
export async function finishRecipientRemoval(options: {
  db: Database;
  rp: RelyingParty;
  issuer: string;
  sealingKey: Buffer;
  userId: string;
  challengeId: string;
  response: AssertionResponse;
  now: Date;
}): Promise<number> {
  const { db, rp, userId, now } = options;
  const challenge = await consumeChallenge(db, { challengeId: options.challengeId, purpose: "remove_mapping", userId, now });
  return withTransaction(db, async (tx) => {
    await answerChallenge(tx, { challenge, userId, rp, response: options.response, now });
    const ids = JSON.parse(challenge.payload ?? "[]") as string[];
    // Only the account's own mappings, even if one changed hands since the confirmation was asked for.
    const owned = await tx.select({ id: mappings.id }).from(mappings).where(and(inArray(mappings.id, ids), eq(mappings.userId, userId)));
    const removed = await removeMappings({
      tx,
      mappingIds: owned.map((row) => row.id),
      actor: { kind: "recipient", userId },
      reason: "recipient",
      issuer: options.issuer,
      key: await loadActiveSigningKey(tx, options.sealingKey),
      sealingKey: options.sealingKey,
      now,
    });
    return removed.length;
  });
}
