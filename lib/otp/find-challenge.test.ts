import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { otpChallenges, users } from "@/db/schema";
import { createOtpHarness } from "@/test/support/otp-harness";
import { findChallenge } from "./find-challenge";
import { useTestDatabase } from "@/test/support/seeded-test-database";

const testDb = useTestDatabase({ truncateBeforeEach: ["users", "otp_challenges", "rate_events"] });

describe("findChallenge", () => {
  it("shows where the code went, masked, and until when it works", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId, expiresAt } = await otp.request("+33 6 12 34 56 78");
    expect(await findChallenge(testDb.db, { challengeId, purpose: "sign_in", now: otp.now() })).toEqual({
      id: challengeId,
      identifier: "tel:+33612345678",
      maskedIdentifier: "+33•••••78",
      channel: "sms",
      expiresAt,
      open: true,
    });
  });

  it("finds nothing for an id that is not a UUID, even one that ends like one", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("bob@example.com");
    for (const id of ["", "zz", `x${challengeId}`, `${challengeId.slice(1)}`]) {
      expect(await findChallenge(testDb.db, { challengeId: id, purpose: "sign_in", now: otp.now() })).toBeNull();
    }
  });

  it("finds a challenge only under its own purpose and, beyond sign-in, for its own account", async () => {
    const otp = createOtpHarness(testDb.db);
    const [alice, eve] = await testDb.db.insert(users).values([{}, {}]).returning({ id: users.id });
    const signIn = await otp.request("bob@example.com");
    const adding = await otp.request("carol@example.com", { purpose: "add_identifier", userId: alice!.id });
    const now = otp.now();
    expect(await findChallenge(testDb.db, { challengeId: signIn.challengeId, purpose: "add_identifier", userId: alice!.id, now })).toBeNull();
    // A sign-in challenge belongs to no account: whoever holds its id sees it, signed in or not.
    expect(await findChallenge(testDb.db, { challengeId: signIn.challengeId, purpose: "sign_in", userId: eve!.id, now })).not.toBeNull();
    expect(await findChallenge(testDb.db, { challengeId: adding.challengeId, purpose: "add_identifier", userId: alice!.id, now })).not.toBeNull();
    expect(await findChallenge(testDb.db, { challengeId: adding.challengeId, purpose: "add_identifier", userId: eve!.id, now })).toBeNull();
    expect(await findChallenge(testDb.db, { challengeId: adding.challengeId, purpose: "add_identifier", now })).toBeNull();
    expect(await findChallenge(testDb.db, { challengeId: adding.challengeId, purpose: "sign_in", now })).toBeNull();
  });

  it.each([
    ["used", { consumedAt: new Date("2026-11-22T10:01:00Z") }],
    ["withdrawn", { closedAt: new Date("2026-11-22T10:01:00Z") }],
    ["out of tries", { attempts: 5 }],
  ])("is closed once %s", async (_name, change) => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("bob@example.com");
    await testDb.db.update(otpChallenges).set(change).where(eq(otpChallenges.id, challengeId));
    expect(await findChallenge(testDb.db, { challengeId, purpose: "sign_in", now: otp.now() })).toMatchObject({ open: false });
  });

  it("is open with one try left, and closed from the moment it expires", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId, expiresAt } = await otp.request("bob@example.com");
    await testDb.db.update(otpChallenges).set({ attempts: 4 }).where(eq(otpChallenges.id, challengeId));
    const at = (time: Date) => findChallenge(testDb.db, { challengeId, purpose: "sign_in", now: time });
    expect(await at(new Date(expiresAt.getTime() - 1))).toMatchObject({ open: true });
    expect(await at(expiresAt)).toMatchObject({ open: false });
  });
});
