import type { PasskeyJwk } from "@mimi-discovery/msp-kit";
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { createHash } from "node:crypto";
import { isUuid } from "@mimi-discovery/msp-kit";
import { and, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { identifiers, passkeys, type Passkey } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import type { registrationResponseSchema } from "@/lib/validations/webauthn";
import { checkBackupFlags, registrationBackupFlags } from "./backup-flags";
import { storeChallenge, takeChallenge } from "./challenges";
import { coseToJwk } from "./cose-to-jwk";
import { PasskeyError } from "./passkey-error";
import type { RelyingParty } from "./relying-party";

const MAX_CREDENTIAL_ID_BYTES = 1023;
const ES256 = -7;

/**
 * Options for the browser's navigator.credentials.create, with the challenge kept server-side. With
 * `identifierId`, the new passkey will be that identifier's own (see passkeys.identifierId); the choice is kept with
 * the challenge, so the browser cannot change it between the two steps.
 */
export async function startPasskeyRegistration(options: {
  db: Database;
  rp: RelyingParty;
  userId: string;
  userName: string;
  identifierId?: string | undefined;
  now: Date;
}): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const { db, rp, userId, now } = options;
  if (options.identifierId !== undefined && !(await ownsIdentifier(db, userId, options.identifierId))) throw new PasskeyError("unknown_identifier");
  // An authenticator keeps one discoverable credential per user handle: an identifier's own passkey gets a handle of
  // its own, so that it can live on the same device as the account's passkey instead of replacing it, and only the
  // passkeys of the same scope are excluded.
  const scope = options.identifierId ?? null;
  const existing = await db
    .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(and(eq(passkeys.userId, userId), scope === null ? isNull(passkeys.identifierId) : eq(passkeys.identifierId, scope)));
  const creation = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: options.userName,
    // A user handle is at most 64 bytes (WebAuthn 5.4.3): a digest names the pair in 32.
    userID: scope === null ? new TextEncoder().encode(userId) : new Uint8Array(createHash("sha256").update(`${userId}/${scope}`).digest()),
    attestationType: "none",
    excludeCredentials: existing.map((row) => ({ id: row.credentialId, transports: row.transports as never })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    supportedAlgorithmIDs: [ES256],
    timeout: 120_000,
  });
  const payload = options.identifierId === undefined ? undefined : JSON.stringify({ identifierId: options.identifierId });
  const stored = await storeChallenge(db, { purpose: "register", userId, challenge: creation.challenge, now, payload });
  return { challengeId: stored.id, options: creation };
}

async function ownsIdentifier(db: Database, userId: string, identifierId: string): Promise<boolean> {
  if (!isUuid(identifierId)) return false;
  const [row] = await db.select({ id: identifiers.id }).from(identifiers).where(and(eq(identifiers.id, identifierId), eq(identifiers.userId, userId)));
  return row !== undefined;
}

/**
 * Verifies a new credential and stores it with its audit row in one transaction. Refuses credential ids over
 * 1023 bytes, a response whose id is not the credential's, ids already registered, backup state without backup eligibility, keys other than ES256, and
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
  checkBackupFlags(registrationBackupFlags(response.response.attestationObject));
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
      // The library stores the id from the authenticator data and does not compare it with the response's: a
      // response that names another id is not one credential, and the 1,023-byte rule is about the stored one.
      if (credential.id !== response.id) throw new PasskeyError("malformed_response");
      const identifierId = challenge.payload ? (JSON.parse(challenge.payload) as { identifierId: string }).identifierId : null;
      // The identifier may have left the account since the ceremony began (removed, or taken by its new holder).
      if (identifierId !== null && !(await ownsIdentifier(tx, userId, identifierId))) throw new PasskeyError("unknown_identifier");
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
          identifierId,
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
        details: { name: options.name, ...(identifierId ? { identifier: identifierId } : {}) },
      });
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PasskeyError("already_registered", { cause: error });
    throw error;
  }
}
