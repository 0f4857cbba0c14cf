import { and, eq, gt } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signInStepUps, type SignInStepUp } from "@/db/schema";
import { sha256Hex } from "@/lib/crypto/secrets";
import { StepUpError } from "./step-up-error";

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/u;

export function hashStepUpToken(token: string): string {
  return sha256Hex(token);
}

function byToken(token: string, now: Date) {
  return and(eq(signInStepUps.tokenHash, hashStepUpToken(token)), gt(signInStepUps.expiresAt, now));
}

/** The open step-up this token names, or null; locked in the caller's transaction when `forUpdate`. */
export async function findStepUp(db: Database, token: string | undefined, now: Date, forUpdate = false): Promise<SignInStepUp | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const query = db.select().from(signInStepUps).where(byToken(token, now));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

/**
 * Ends the step-up as it is answered: one DELETE, so of two answers racing (a passkey in one tab, "new holder" in
 * another) exactly one gets the row. Inside the caller's transaction: if what it authorises fails, the step-up is
 * still there to answer another way.
 */
export async function takeStepUp(tx: Database, token: string | undefined, now: Date): Promise<SignInStepUp> {
  if (!token || !TOKEN_PATTERN.test(token)) throw new StepUpError("ended");
  const [row] = await tx.delete(signInStepUps).where(byToken(token, now)).returning();
  if (!row) throw new StepUpError("ended");
  return row;
}
