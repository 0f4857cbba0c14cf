import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { identifiers, otpChallenges, rateEvents, users, type OtpPurpose } from "@/db/schema";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { getMetrics } from "@/lib/metrics/metrics";
import { otpBuckets } from "./buckets";
import { consumeCode } from "./consume-code";
import { OtpError } from "./otp-error";
import { useTestDatabase } from "@/test/support/seeded-test-database";

const testDb = useTestDatabase({ truncateBeforeEach: ["users", "otp_challenges", "rate_events"] });

const consume = (challengeId: string, code: string, now: Date) =>
  testDb.db.transaction((tx) => consumeCode({ tx, keys: testKeys, challengeId, code, purpose: "sign_in", now }));
const consumeAs = (challengeId: string, code: string, purpose: OtpPurpose, userId: string, now: Date) =>
  testDb.db.transaction((tx) => consumeCode({ tx, keys: testKeys, challengeId, code, purpose, userId, now }));

describe("requestCode", () => {
  it("sends six CSPRNG digits and stores only a keyed hash bound to the challenge", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId, channel } = await otp.request("Alice@Example.com");
    expect(channel).toBe("email");
    expect(otp.lastCode()).toMatch(/^\d{6}$/);
    expect(otp.sent[0]!.csi.uri).toBe("mailto:alice@example.com");
    const [row] = await testDb.db.select().from(otpChallenges).where(eq(otpChallenges.id, challengeId));
    expect(JSON.stringify(row)).not.toContain(otp.lastCode());
    expect(row!.expiresAt.getTime() - otp.now().getTime()).toBe(10 * 60_000);
  });

  it("answers the same whether or not the identifier has an account", async () => {
    const otp = createOtpHarness(testDb.db);
    const first = await otp.request("known@example.com");
    const signedIn = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId: first.challengeId, code: otp.lastCode(), now: otp.now() });
    expect(signedIn).toMatchObject({ ok: true, newAccount: true });
    expect(await testDb.db.select().from(identifiers).where(eq(identifiers.uri, "mailto:known@example.com"))).toHaveLength(1);

    const known = await otp.request("known@example.com");
    const unknown = await otp.request("stranger@example.com");
    const shape = ({ challengeId, ...rest }: typeof known) => ({ challengeId: /^[0-9a-f-]{36}$/u.test(challengeId), ...rest });
    expect(shape(known)).toEqual(shape(unknown));
    expect(shape(known)).toEqual({ challengeId: true, channel: "email", expiresAt: new Date(otp.now().getTime() + 10 * 60_000) });
    const [knownSent, unknownSent] = otp.sent.slice(-2).map(({ csi, code, idempotencyKey, ...rest }) => ({ ...rest, kind: csi.kind, code: /^\d{6}$/u.test(code), key: idempotencyKey.length }));
    expect(knownSent).toEqual(unknownSent);
    // The stored challenge of a sign-in is not tied to the account either: nothing depends on it existing.
    const rows = await testDb.db.select().from(otpChallenges).where(inArray(otpChallenges.id, [known.challengeId, unknown.challengeId]));
    expect(rows.map((row) => row.userId)).toEqual([null, null]);
  });

  it("sends SMS to mobiles, calls landlines and refuses unserved countries before sending anything", async () => {
    const otp = createOtpHarness(testDb.db);
    const mobile = await otp.request("+33 6 12 34 56 78");
    expect(mobile.channel).toBe("sms");
    const landline = await otp.request("+44 20 7946 0958");
    expect(landline.channel).toBe("voice");
    const refused = otp.request("+49 30 123456", { phoneRegions: new Set(["US", "FR", "GB"]) });
    await expect(refused).rejects.toMatchObject({ code: "region_not_served" });
    await expect(otp.request("+1 900 555 0100")).rejects.toMatchObject({ code: "unsupported_line_type" });
    expect(otp.sent).toHaveLength(2);
    const rows = await testDb.db.select().from(otpChallenges);
    expect(rows).toHaveLength(2);
  });

  it("allows 5 sends per identifier per 10 minutes, then tells how long to wait", async () => {
    const otp = createOtpHarness(testDb.db);
    for (let i = 0; i < 5; i += 1) {
      await otp.request("bob@example.com");
      otp.advance(60_000);
    }
    const refused = await otp.request("Bob@EXAMPLE.com").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OtpError);
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterSeconds: 300, message: "Too many codes requested. Try again in 5 minutes." });
    expect(otp.sent).toHaveLength(5);
    otp.advance(300_000);
    await expect(otp.request("bob@example.com")).resolves.toMatchObject({ challengeId: expect.any(String) });
  });

  it("allows 10 sends per IP per hour and 30 per day, whatever the identifiers", async () => {
    const otp = createOtpHarness(testDb.db);
    for (let i = 0; i < 10; i += 1) await otp.request(`user${i}@example.com`, { clientIp: "198.51.100.7" });
    await expect(otp.request("user10@example.com", { clientIp: "198.51.100.7" })).rejects.toMatchObject({
      code: "rate_limited",
    });
    await expect(otp.request("user10@example.com", { clientIp: "198.51.100.8" })).resolves.toMatchObject({ challengeId: expect.any(String) });
    for (let hour = 1; hour <= 2; hour += 1) {
      otp.advance(60 * 60_000 + 1);
      for (let i = 0; i < 10; i += 1) await otp.request(`h${hour}u${i}@example.com`, { clientIp: "198.51.100.7" });
    }
    otp.advance(60 * 60_000 + 1);
    await expect(otp.request("day@example.com", { clientIp: "198.51.100.7" })).rejects.toMatchObject({
      code: "rate_limited",
    });
  });

  it("counts an IPv6 client by its /64, so rotating through the /64 does not reset the limit", async () => {
    const otp = createOtpHarness(testDb.db);
    for (let i = 0; i < 10; i += 1) await otp.request(`v6-${i}@example.com`, { clientIp: `2001:db8:aa:bb:${i.toString(16)}::${i + 1}` });
    await expect(otp.request("v6-10@example.com", { clientIp: "2001:db8:aa:bb:ffff:ffff:ffff:ffff" })).rejects.toMatchObject({ code: "rate_limited" });
    // The next /64 is another client.
    await expect(otp.request("v6-10@example.com", { clientIp: "2001:db8:aa:bc::1" })).resolves.toMatchObject({ challengeId: expect.any(String) });
  });

  it("keeps no identifier or IP address in clear in the rate-limit table", async () => {
    const otp = createOtpHarness(testDb.db);
    await otp.request("carol@example.com", { clientIp: "203.0.113.9" });
    const rows = await testDb.db.select().from(rateEvents);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/carol|203\.0\.113\.9/);
  });

  it("closes the challenge and sends nothing more when delivery fails", async () => {
    const otp = createOtpHarness(testDb.db);
    const failing = otp.request("dave@example.com", {
      deliver: async () => {
        throw new Error("gateway down");
      },
    });
    const error = await failing.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "delivery_failed", message: "The code could not be sent just now. Please try again in a moment." });
    // The gateway's error stays the cause, for the operator's log; the person reads only the sentence above.
    expect((error as Error).cause).toMatchObject({ message: "gateway down" });
    const [row] = await testDb.db.select().from(otpChallenges);
    expect(row!.closedAt).not.toBeNull();
  });
});

describe("consumeCode", () => {
  it("accepts the right code once", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("erin@example.com");
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toMatchObject({ ok: true });
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toEqual({ ok: false, reason: "used" });
  });

  it("ends the challenge after 5 wrong codes: a correct sixth guess is refused", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("frank@example.com");
    const wrong = otp.lastCode() === "000000" ? "111111" : "000000";
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await consume(challengeId, wrong, otp.now()));
    expect(outcomes.map((outcome) => ("attemptsLeft" in outcome ? outcome.attemptsLeft : "reason" in outcome ? outcome.reason : "ok"))).toEqual([
      4, 3, 2, 1, "too_many_attempts",
    ]);
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toEqual({ ok: false, reason: "too_many_attempts" });
  });

  it("refuses a code after 10 minutes", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("grace@example.com");
    otp.advance(10 * 60_000);
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toEqual({ ok: false, reason: "expired" });
  });

  it("binds a code to its challenge: the digits of one are worthless for another", async () => {
    const otp = createOtpHarness(testDb.db);
    const first = await otp.request("heidi@example.com");
    const firstCode = otp.lastCode();
    const second = await otp.request("ivan@example.com");
    const secondCode = otp.lastCode();
    if (firstCode !== secondCode) {
      expect(await consume(second.challengeId, firstCode, otp.now())).toMatchObject({ reason: "wrong_code" });
    }
    expect(await consume(first.challengeId, firstCode, otp.now())).toMatchObject({ ok: true });
    expect(await consume("not-a-uuid", secondCode, otp.now())).toEqual({ ok: false, reason: "unknown" });
  });

  it("binds a code to its purpose: a sign-in code neither adds an identifier nor re-authenticates", async () => {
    const otp = createOtpHarness(testDb.db);
    const [user] = await testDb.db.insert(users).values({}).returning({ id: users.id });
    const { challengeId } = await otp.request("judy@example.com");
    for (const purpose of ["add_identifier", "reauthenticate"] as const) {
      expect(await consumeAs(challengeId, otp.lastCode(), purpose, user!.id, otp.now())).toEqual({ ok: false, reason: "unknown" });
    }
    // Refused for the wrong purpose, the code was neither used nor counted as a wrong guess.
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toMatchObject({ ok: true, challenge: { purpose: "sign_in", attempts: 0 } });
  });

  it("binds an add-identifier code to its purpose: it neither re-authenticates nor signs in", async () => {
    const otp = createOtpHarness(testDb.db);
    const [user] = await testDb.db.insert(users).values({}).returning({ id: users.id });
    const { challengeId } = await otp.request("+33 6 12 34 56 78", { purpose: "add_identifier", userId: user!.id });
    expect(await consumeAs(challengeId, otp.lastCode(), "reauthenticate", user!.id, otp.now())).toEqual({ ok: false, reason: "unknown" });
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toEqual({ ok: false, reason: "unknown" });
    expect(await consumeAs(challengeId, otp.lastCode(), "add_identifier", user!.id, otp.now())).toMatchObject({ ok: true, challenge: { purpose: "add_identifier" } });
  });

  it("binds a re-authentication code to its purpose: it neither adds an identifier nor signs in", async () => {
    const otp = createOtpHarness(testDb.db);
    const [user] = await testDb.db.insert(users).values({}).returning({ id: users.id });
    const { challengeId } = await otp.request("judy@example.com", { purpose: "reauthenticate", userId: user!.id });
    expect(await consumeAs(challengeId, otp.lastCode(), "add_identifier", user!.id, otp.now())).toEqual({ ok: false, reason: "unknown" });
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toEqual({ ok: false, reason: "unknown" });
    expect(await consumeAs(challengeId, otp.lastCode(), "reauthenticate", user!.id, otp.now())).toMatchObject({ ok: true, challenge: { purpose: "reauthenticate" } });
  });

  it("binds a code to the account that asked for it", async () => {
    const otp = createOtpHarness(testDb.db);
    const [alice, mallory] = await testDb.db.insert(users).values([{}, {}]).returning({ id: users.id });
    const { challengeId } = await otp.request("judy@example.com", { purpose: "reauthenticate", userId: alice!.id });
    expect(await consumeAs(challengeId, otp.lastCode(), "reauthenticate", mallory!.id, otp.now())).toEqual({ ok: false, reason: "unknown" });
    expect(await consumeAs(challengeId, otp.lastCode(), "reauthenticate", alice!.id, otp.now())).toMatchObject({ ok: true });
  });

  it("a resend invalidates the previous code and keeps the failure count", async () => {
    const otp = createOtpHarness(testDb.db);
    const first = await otp.request("ken@example.com");
    const firstCode = otp.lastCode();
    const wrong = firstCode === "000000" ? "111111" : "000000";
    await consume(first.challengeId, wrong, otp.now());
    const second = await otp.request("ken@example.com");
    expect(await consume(first.challengeId, firstCode, otp.now())).toEqual({ ok: false, reason: "closed" });
    const failures = await testDb.db
      .select({ count: sql<number>`count(*)::int` })
      .from(rateEvents)
      .where(sql`${rateEvents.bucket} like 'otp-fail-id:%'`);
    expect(failures[0]!.count).toBe(1);
    expect(await consume(second.challengeId, otp.lastCode(), otp.now())).toMatchObject({ ok: true });
  });

  it("blocks an identifier for 24 hours after 20 failures in 24 hours", async () => {
    const otp = createOtpHarness(testDb.db);
    let challengeId = "";
    for (let failure = 0; failure < 20; failure += 1) {
      if (failure % 4 === 0) {
        otp.advance(10 * 60_000); // stay under the send limit
        ({ challengeId } = await otp.request("mallory@example.com"));
      }
      const wrong = otp.lastCode() === "000000" ? "111111" : "000000";
      const outcome = await consume(challengeId, wrong, otp.now());
      if (failure === 19) expect(outcome).toEqual({ ok: false, reason: "blocked" });
    }
    expect(await consume(challengeId, otp.lastCode(), otp.now())).toMatchObject({ ok: false });
    await expect(otp.request("mallory@example.com")).rejects.toMatchObject({ code: "blocked" });
    otp.advance(24 * 60 * 60_000 + 1);
    await expect(otp.request("mallory@example.com")).resolves.toMatchObject({ challengeId: expect.any(String) });
  });
});

describe("requestCode, beyond the limits", () => {
  const countOf = async (counter: "codeSends" | "deliveryFailures", channel: string) =>
    (await getMetrics()[counter].get()).values.find((value) => value.labels.channel === channel)?.value ?? 0;

  it("refuses a flow other than sign-in without the account that asks, as a bug", async () => {
    const otp = createOtpHarness(testDb.db);
    await expect(otp.request("bob@example.com", { purpose: "add_identifier" })).rejects.toThrow("requestCode: purpose add_identifier needs a userId");
    expect(otp.sent).toHaveLength(0);
  });

  it("keeps a sign-in challenge free of any account, even when a signed-in person asks", async () => {
    const otp = createOtpHarness(testDb.db);
    const [alice] = await testDb.db.insert(users).values({}).returning({ id: users.id });
    const { challengeId } = await otp.request("bob@example.com", { userId: alice!.id });
    const [row] = await testDb.db.select().from(otpChallenges).where(eq(otpChallenges.id, challengeId));
    expect(row!.userId).toBeNull();
    expect(await consumeAs(challengeId, otp.lastCode(), "sign_in", alice!.id, otp.now())).toMatchObject({ ok: true });
  });

  it("stores the line type of a number, and none for an email", async () => {
    const otp = createOtpHarness(testDb.db);
    const phone = await otp.request("+33 6 12 34 56 78");
    const email = await otp.request("bob@example.com");
    const rows = await testDb.db.select().from(otpChallenges).where(inArray(otpChallenges.id, [phone.challengeId, email.challengeId]));
    expect(Object.fromEntries(rows.map((row) => [row.channel, row.lineType]))).toEqual({ sms: "mobile", email: null });
  });

  it("tells a blocked identifier to wait the whole block, 24 hours", async () => {
    const otp = createOtpHarness(testDb.db);
    const blocks = otpBucketsFor("mallory@example.com");
    await testDb.db.insert(rateEvents).values({ bucket: blocks, at: otp.now() });
    const refused = await otp.request("mallory@example.com").catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "blocked", retryAfterSeconds: 86_400, message: "Too many wrong codes for this identifier. Try again in 24 hours." });
  });

  it("counts codes sent and deliveries failed by channel", async () => {
    const otp = createOtpHarness(testDb.db);
    const [sentBefore, failedBefore] = [await countOf("codeSends", "email"), await countOf("deliveryFailures", "sms")];
    await otp.request("bob@example.com");
    await otp.request("+33 6 12 34 56 78", { deliver: async () => { throw new Error("gateway down"); } }).catch(() => {});
    expect(await countOf("codeSends", "email")).toBe(sentBefore + 1);
    expect(await countOf("deliveryFailures", "sms")).toBe(failedBefore + 1);
  });

  // PGlite runs one transaction at a time; the server shows whether the bucket lock really serialises them.
  it("grants exactly 5 of 12 concurrent requests for one identifier", async () => {
    const otp = createOtpHarness(testDb.db);
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => otp.request("bob@example.com", { clientIp: `198.51.100.${i + 1}` })));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(5);
    expect(otp.sent).toHaveLength(5);
  });
});

describe("consumeCode, on what it does not match", () => {
  it("answers unknown, without a database error, for an id that only ends like a UUID", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("bob@example.com");
    expect(await consume(`x${challengeId}`, otp.lastCode(), otp.now())).toEqual({ ok: false, reason: "unknown" });
  });

  it("says nothing of another flow's or another account's challenge: only unknown", async () => {
    const otp = createOtpHarness(testDb.db);
    const [alice, eve] = await testDb.db.insert(users).values([{}, {}]).returning({ id: users.id });
    const { challengeId } = await otp.request("carol@example.com", { purpose: "add_identifier", userId: alice!.id });
    const code = otp.lastCode();
    expect(await consumeAs(challengeId, code, "add_identifier", alice!.id, otp.now())).toMatchObject({ ok: true });
    // Used now: its owner hears so, anyone else under any flow hears only that it is unknown.
    expect(await consumeAs(challengeId, code, "add_identifier", alice!.id, otp.now())).toEqual({ ok: false, reason: "used" });
    expect(await consumeAs(challengeId, code, "add_identifier", eve!.id, otp.now())).toEqual({ ok: false, reason: "unknown" });
    expect(await consumeAs(challengeId, code, "reauthenticate", alice!.id, otp.now())).toEqual({ ok: false, reason: "unknown" });
    expect(await consume(challengeId, code, otp.now())).toEqual({ ok: false, reason: "unknown" });
  });
});

const otpBucketsFor = (identifier: string) => otpBuckets.identifierBlocks(testKeys.buckets, identifier.startsWith("mailto:") ? identifier : `mailto:${identifier}`);
