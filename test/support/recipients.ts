import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers } from "@/db/schema";
import { addIdentifierWithCode } from "@/lib/accounts/add-identifier-with-code";
import { signInWithCode, type SignInOutcome } from "@/lib/accounts/sign-in-with-code";
import { mappingDraftSchema } from "@/lib/mappings/draft-schema";
import { prepareMapping } from "@/lib/mappings/prepare-mapping";
import { publishMapping } from "@/lib/mappings/publish-mapping";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/passkeys/register-passkey";
import { relyingPartyFor } from "@/lib/passkeys/relying-party";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import type { Residency } from "@/lib/federation/residency";
import { createOtpHarness, testKeys } from "./otp-harness";

/**
 * Recipients made through the DP's own functions, on one clock (the OTP harness's, which tests move forward): a
 * code sign-in, identifiers added by code, a passkey from a software authenticator, a genuinely signed mapping.
 */
export function createRecipients(db: Database, origin = "http://localhost:3000", options: { residency?: Residency } = {}) {
  const otp = createOtpHarness(db);
  const rp = relyingPartyFor(origin);
  let ip = 0;
  // An address of its own per code, so per-IP send limits never decide a test.
  const nextIp = () => `192.0.2.${(ip++ % 250) + 1}`;

  async function codeSignIn(identifier: string, previousSessionToken?: string): Promise<SignInOutcome> {
    const { challengeId } = await otp.request(identifier, { clientIp: nextIp() });
    return signInWithCode({ db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now(), previousSessionToken });
  }

  return {
    otp,
    rp,
    origin,
    nextIp,
    codeSignIn,

    /** A first-time identifier: its code opens a new account. */
    async signUp(identifier: string) {
      const outcome = await codeSignIn(identifier);
      if (!outcome.ok || outcome.status !== "signed_in") throw new Error(`sign-up of ${identifier} did not sign in directly`);
      return outcome;
    },

    /** Code sign-in that must stop at a step-up; answers its token. */
    async stepUpFor(identifier: string): Promise<string> {
      const outcome = await codeSignIn(identifier);
      if (!outcome.ok || outcome.status !== "step_up") throw new Error(`sign-in with ${identifier} did not stop at a step-up`);
      return outcome.stepUp.token;
    },

    async addIdentifier(userId: string, identifier: string) {
      const { challengeId } = await otp.request(identifier, { purpose: "add_identifier", userId, clientIp: nextIp() });
      const added = await addIdentifierWithCode({ db, keys: testKeys, userId, challengeId, code: otp.lastCode(), now: otp.now(), issuer: origin, sealingKey: testKeys.sealing });
      if (!added.ok) throw new Error(`adding ${identifier} failed: ${added.reason}`);
      return added;
    },

    /** The account's passkey, or with `identifierId` that identifier's own. */
    async registerPasskey(userId: string, identifierId?: string): Promise<SoftwareAuthenticator> {
      const authenticator = await SoftwareAuthenticator.create();
      const started = await startPasskeyRegistration({ db, rp, userId, userName: userId, identifierId, now: otp.now() });
      await finishPasskeyRegistration({
        db,
        rp,
        userId,
        challengeId: started.challengeId,
        name: "test key",
        response: (await authenticator.register(started.options, origin)) as never,
        now: otp.now(),
      });
      return authenticator;
    },

    /** A mapping of `uri` to chat.example, signed with the account's passkey and published. */
    async publish(userId: string, uri: string, authenticator: SoftwareAuthenticator, publishOptions: { fresh?: boolean } = {}): Promise<string> {
      const [identifier] = await db.select().from(identifiers).where(and(eq(identifiers.userId, userId), eq(identifiers.uri, uri)));
      const prepared = await prepareMapping({
        db,
        rp,
        issuer: origin,
        userId,
        draft: mappingDraftSchema.parse({
          identifierId: identifier!.id,
          label: "Personal",
          fresh: publishOptions.fresh ?? false,
          entries: [{ msp: "chat.example", tags: ["Default"], audience: { kind: "everyone" } }],
        }),
        ttlDays: 365,
        now: otp.now(),
        ...(options.residency ? { residency: { rule: options.residency, regionDp: async () => undefined } } : {}),
      });
      const response = (await authenticator.authenticate({ challenge: prepared.options.challenge, rpId: rp.rpId, origin })) as never;
      const published = await publishMapping({ db, rp, issuer: origin, sealingKey: testKeys.sealing, userId, challengeId: prepared.challengeId, response, now: otp.now(), residency: options.residency });
      return published.id;
    },
  };
}
