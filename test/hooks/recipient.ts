import { randomInt } from "node:crypto";
import { z } from "zod";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { now } from "@/lib/clock";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { grantOperator } from "@/lib/operators/operators";
import { requestCode } from "@/lib/otp/request-code";
import { IdentifierError, parseIdentifier } from "@mimi-discovery/msp-kit";
import { hookAnswer, readHookBody } from "./hook-body";

const body = z.strictObject({ identifier: z.string().max(254), operator: z.boolean().default(false) });

/**
 * A signed-in recipient, made the way a person becomes one: a code is requested for the identifier and entered,
 * through the same lib functions the sign-in page calls (only the delivery is a capture instead of the outbox).
 * Answers the session cookie for the test's browser. An operator is granted the role as `npm run operator:grant`.
 */
export async function createRecipient(request: Request): Promise<Response> {
  const parsed = await readHookBody(request, body);
  if (!parsed.ok) return parsed.response;
  let uri: string;
  try {
    uri = parseIdentifier(parsed.data.identifier).uri;
  } catch (error) {
    if (!(error instanceof IdentifierError)) throw error;
    return hookAnswer(422, { error: `identifier: ${error.message}` });
  }
  const env = getEnv();
  const db = getDb();
  const keys = deriveAppKeys(env.authSecret);
  let code: string | undefined;
  const { challengeId } = await requestCode({
    db,
    keys,
    csi: parseIdentifier(uri),
    purpose: "sign_in",
    // An address of its own per recipient, so that per-IP send limits do not leak from one test into another.
    clientIp: `198.18.${randomInt(256)}.${randomInt(256)}`,
    phoneRegions: env.phoneRegions,
    now: now(),
    deliver: async (message) => {
      code = message.code;
    },
  });
  const signedIn = await signInWithCode({ db, keys, challengeId, code: code!, now: now() });
  if (!signedIn.ok) return hookAnswer(409, { error: `sign-in refused: ${signedIn.reason}` });
  if (signedIn.status !== "signed_in") return hookAnswer(409, { error: "this identifier's account asks for a step-up: use a fresh identifier" });
  if (parsed.data.operator) await grantOperator(db, uri, now());
  return hookAnswer(200, {
    userId: signedIn.userId,
    identifier: uri,
    cookie: { name: sessionCookieName(env.publicOrigin), value: signedIn.session.token, expires: Math.floor(signedIn.session.expires.getTime() / 1000) },
  });
}
