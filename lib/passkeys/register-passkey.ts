import type { PasskeyJwk } from "@mimi-discovery/msp-kit";
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { passkeys, type Passkey } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import type { registrationResponseSchema } from "@/lib/validations/webauthn";
import { storeChallenge, takeChallenge } from "./challenges";
import { coseToJwk } from "./cose-to-jwk";
import { PasskeyError } from "./passkey-error";
import type { RelyingParty } from "./relying-party";

const MAX_CREDENTIAL_ID_BYTES = 1023;
const ES256 = -7;

/** Options for the browser's navigator.credentials.create, with the challenge kept server-side. */
export async function startPasskeyRegistration(options: {
  db: Database;
  rp: RelyingParty;
  userId: string;
  userName: string;
  now: Date;
}): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const { db, rp, userId, now } = options;
  const existing = await db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId));
  const creation = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: options.userName,
    userID: new TextEncoder().encode(userId),
    attestationType: "none",
    excludeCredentials: existing.map((row) => ({ id: row.credentialId, transports: row.transports as never })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    supportedAlgorithmIDs: [ES256],
    timeout: 120_000,
  });
  const stored = await storeChallenge(db, { purpose: "register", userId, challenge: creation.challenge, now });
  return { challengeId: stored.id, options: creation };
}

/**
 * Verifies a new credential and stores it with its audit row in one transaction. Refuses credential ids over
 * 1023 bytes, ids already registered, backup state without backup eligibility, keys other than ES256, and
 * anything the library does not call verified.
 */
export async function finishPasskeyRegistration(options: {
  db: Database;
  rp: RelyingParty;
  userId: string;
  challengeId: string;
  name: string;
  response: z.output<typeof registrationResponseSchema>;
  now: Date;
}): Promise<Passkey> {
  const { db, rp, userId, now, response } = options;
  if (Buffer.from(response.id, "base64url").length > MAX_CREDENTIAL_ID_BYTES) throw new PasskeyError("credential_too_long");
  // Taken for good before anything is verified: a refused answer must not put the challenge back (single use).
  const challenge = await takeChallenge(db, { id: options.challengeId, purpose: "register", userId, now });
  if (!challenge) throw new PasskeyError("challenge_invalid");
  try {
    return await withTransaction(db, async (tx) => {
      let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verification = await verifyRegistrationResponse({
          response: response as never,
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rpId,
          requireUserVerification: true,
          supportedAlgorithmIDs: [ES256],
        });
      } catch (error) {
        throw new PasskeyError("not_verified", { cause: error });
      }
      if (!verification.verified || !verification.registrationInfo) throw new PasskeyError("not_verified");
      const { credential, credentialBackedUp, credentialDeviceType } = verification.registrationInfo;
      if (credentialBackedUp && credentialDeviceType !== "multiDevice") throw new PasskeyError("backup_state_without_eligibility");
      let jwk: PasskeyJwk;
      try {
        jwk = coseToJwk(credential.publicKey);
      } catch (error) {
        throw new PasskeyError("unsupported_algorithm", { cause: error });
      }
      const [row] = await tx
        .insert(passkeys)
        .values({
          userId,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey).toString("base64url"),
          publicKeyJwk: jwk,
          counter: credential.counter,
          transports: credential.transports ?? [],
          backupEligible: credentialDeviceType === "multiDevice",
          backupState: credentialBackedUp,
          name: options.name,
          createdAt: now,
        })
        .returning();
      await recordAudit(tx, {
        at: now,
        actorUserId: userId,
        actorKind: "recipient",
        action: "passkey.registered",
        subjectType: "passkey",
        subjectId: row!.id,
        details: { name: options.name },
      });
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PasskeyError("already_registered", { cause: error });
    throw error;
  }
}
