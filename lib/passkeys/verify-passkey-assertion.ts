import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "@/db/client";
import { passkeys, type Passkey } from "@/db/schema";
import type { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { assertionBackupFlags, checkBackupFlags } from "./backup-flags";
import { PasskeyError } from "./passkey-error";
import type { RelyingParty } from "./relying-party";

/**
 * Checks an assertion against a stored passkey: exact origin and rpID, user verification required, the
 * library's `verified` taken literally, backup flags checked by us as well, and a counter that went backwards
 * refused as a possible clone. Locks the passkey row and advances its counter inside the caller's transaction.
 * `userId` null means any account (discoverable sign-in); otherwise the passkey must belong to that account.
 */
export async function verifyPasskeyAssertion(options: {
  tx: Database;
  rp: RelyingParty;
  response: z.output<typeof authenticationResponseSchema>;
  expectedChallenge: string;
  userId: string | null;
  now: Date;
}): Promise<Passkey> {
  const { tx, rp, response, now } = options;
  const [passkey] = await tx.select().from(passkeys).where(eq(passkeys.credentialId, response.id)).for("update");
  if (!passkey) throw new PasskeyError("unknown_credential");
  if (options.userId !== null && passkey.userId !== options.userId) throw new PasskeyError("other_account");
  checkBackupFlags(assertionBackupFlags(response.response.authenticatorData), passkey);
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response: response as never,
      expectedChallenge: options.expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: Buffer.from(passkey.publicKey, "base64url"),
        counter: passkey.counter,
        transports: passkey.transports as never,
      },
    });
  } catch (error) {
    if (error instanceof Error && /counter value/iu.test(error.message)) throw new PasskeyError("counter_went_backwards", { cause: error });
    throw new PasskeyError("not_verified", { cause: error });
  }
  if (!verification.verified) throw new PasskeyError("not_verified");
  const { newCounter, credentialBackedUp } = verification.authenticationInfo;
  await tx
    .update(passkeys)
    .set({ counter: newCounter, backupState: credentialBackedUp, lastUsedAt: now })
    .where(eq(passkeys.id, passkey.id));
  return { ...passkey, counter: newCounter, lastUsedAt: now };
}
