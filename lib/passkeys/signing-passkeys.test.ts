import { decodeJwt } from "jose";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { identifiers, mappings, passkeys } from "@/db/schema";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { mappingDraftSchema } from "@/lib/mappings/draft-schema";
import { prepareMapping } from "@/lib/mappings/prepare-mapping";
import { publishMapping } from "@/lib/mappings/publish-mapping";
import { PasskeyError } from "./passkey-error";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./register-passkey";
import { relyingPartyFor } from "./relying-party";
import { useSeededTestDatabase } from "@/test/support/seeded-test-database";

const ORIGIN = "http://localhost:3000";
const rp = relyingPartyFor(ORIGIN);
const testDb = useSeededTestDatabase();

async function register(userId: string, authenticator: SoftwareAuthenticator, identifierId?: string) {
  const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "bob", identifierId, now: new Date() });
  return finishPasskeyRegistration({ db: testDb.db, rp, userId, challengeId: started.challengeId, name: identifierId ? "work phone's own" : "laptop", response: (await authenticator.register(started.options, ORIGIN)) as never, now: new Date() });
}

/** A person with an email and a work number, an account passkey, and a passkey of the number's own. */
async function bob(tag: string) {
  const otp = createOtpHarness(testDb.db);
  const { challengeId } = await otp.request(`bob.${tag}@example.com`, { clientIp: `192.0.2.${tag.length + 40}` });
  const signedIn = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now() });
  if (!signedIn.ok || signedIn.status !== "signed_in") throw new Error("sign-in failed");
  const [email] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, signedIn.userId));
  const [phone] = await testDb.db
    .insert(identifiers)
    .values({ uri: `tel:+3361234${String(tag.length).padStart(2, "0")}${tag.charCodeAt(0) % 10}0`, kind: "tel", lineType: "mobile", userId: signedIn.userId, verifiedAt: new Date() })
    .returning();
  const laptop = await SoftwareAuthenticator.create();
  const phoneKey = await SoftwareAuthenticator.create();
  await register(signedIn.userId, laptop);
  await register(signedIn.userId, phoneKey, phone!.id);
  return { userId: signedIn.userId, email: email!, phone: phone!, laptop, phoneKey };
}

async function prepare(userId: string, identifierId: string) {
  const draft = mappingDraftSchema.parse({ identifierId, label: "Personal", fresh: false, entries: [{ msp: "chat.example", tags: ["Default"], audience: { kind: "everyone" } }] });
  return prepareMapping({ db: testDb.db, rp, issuer: ORIGIN, userId, draft, ttlDays: 365, now: new Date() });
}

async function publish(userId: string, prepared: Awaited<ReturnType<typeof prepare>>, signer: SoftwareAuthenticator) {
  const response = (await signer.authenticate({ challenge: prepared.options.challenge, rpId: rp.rpId, origin: ORIGIN })) as never;
  return publishMapping({ db: testDb.db, rp, issuer: ORIGIN, sealingKey: testKeys.sealing, userId, challengeId: prepared.challengeId, response, now: new Date() });
}

const credentialOf = (authenticator: SoftwareAuthenticator) => Buffer.from(authenticator.credentialId).toString("base64url");

/** Issue 9: an identifier may have a passkey of its own, so that two of one person's mappings cannot be linked. */
describe("a passkey of an identifier's own", () => {
  it("is the only passkey offered to, and accepted for, that identifier's mappings; the account passkey signs the others", async () => {
    const person = await bob("offer");
    const forPhone = await prepare(person.userId, person.phone.id);
    expect(forPhone.options.allowCredentials?.map((credential) => credential.id)).toEqual([credentialOf(person.phoneKey)]);
    const forEmail = await prepare(person.userId, person.email.id);
    expect(forEmail.options.allowCredentials?.map((credential) => credential.id)).toEqual([credentialOf(person.laptop)]);

    const refused = await publish(person.userId, forPhone, person.laptop).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PasskeyError);
    expect((refused as PasskeyError).code).toBe("not_this_identifiers_passkey");
    expect(await testDb.db.select().from(mappings).where(eq(mappings.csi, person.phone.uri))).toEqual([]);
  });

  it("leaves nothing in the two published mappings that ties them together", async () => {
    const person = await bob("unlinked");
    const phoneMapping = await publish(person.userId, await prepare(person.userId, person.phone.id), person.phoneKey);
    const emailMapping = await publish(person.userId, await prepare(person.userId, person.email.id), person.laptop);
    expect(phoneMapping.assertion.credential_id).not.toBe(emailMapping.assertion.credential_id);
    const keyOf = (binding: string) => {
      const { x, y } = (decodeJwt(binding).cnf as { jwk: { x: string; y: string } }).jwk;
      return `${x}.${y}`;
    };
    expect(keyOf(phoneMapping.binding)).not.toBe(keyOf(emailMapping.binding));
    expect(keyOf(phoneMapping.binding)).toBe(`${person.phoneKey.publicKeyJwk().x}.${person.phoneKey.publicKeyJwk().y}`);
  });

  it("can be made only for an identifier of one's own account, and goes when the identifier goes", async () => {
    const person = await bob("scope");
    const other = await bob("stranger");
    await expect(startPasskeyRegistration({ db: testDb.db, rp, userId: person.userId, userName: "bob", identifierId: other.phone.id, now: new Date() })).rejects.toMatchObject({ code: "unknown_identifier" });
    await testDb.db.delete(identifiers).where(eq(identifiers.id, person.phone.id));
    expect(await testDb.db.select().from(passkeys).where(eq(passkeys.identifierId, person.phone.id))).toEqual([]);
  });
});
