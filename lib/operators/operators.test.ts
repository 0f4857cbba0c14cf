import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, identifiers, operators } from "@/db/schema";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { grantOperator, isOperator } from "./operators";

const NOW = new Date("2026-11-22T10:00:00Z");
let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.close();
});

async function signIn(identifier: string): Promise<string> {
  const otp = createOtpHarness(testDb.db);
  const { challengeId } = await otp.request(identifier, { clientIp: `192.0.2.${Math.floor(Math.random() * 250)}` });
  const outcome = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now() });
  if (!outcome.ok) throw new Error(`sign-in failed: ${outcome.reason}`);
  if (outcome.status !== "signed_in") throw new Error("sign-in asked for a step-up: a fresh identifier was expected");
  return outcome.userId;
}

describe("the operator role", () => {
  it("is granted to an identifier once, with one audit row, however often it is granted", async () => {
    expect(await grantOperator(testDb.db, "mailto:ops@dp.example", NOW)).toBe(true);
    expect(await grantOperator(testDb.db, "mailto:ops@dp.example", NOW)).toBe(false);
    expect(await testDb.db.select().from(operators).where(eq(operators.identifier, "mailto:ops@dp.example"))).toHaveLength(1);
    const audit = await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, "mailto:ops@dp.example"));
    expect(audit).toEqual([expect.objectContaining({ action: "operator.granted", actorKind: "system", actorUserId: null, subjectType: "identifier" })]);
  });

  it("belongs to whoever holds the identifier on their account, and to nobody else", async () => {
    await grantOperator(testDb.db, "mailto:admin@dp.example", NOW);
    const admin = await signIn("admin@dp.example");
    const visitor = await signIn("visitor@dp.example");
    expect(await isOperator(testDb.db, admin)).toBe(true);
    expect(await isOperator(testDb.db, visitor)).toBe(false);
  });

  it("is granted before anyone proves the identifier, and takes effect when they do", async () => {
    const later = await signIn("later@dp.example");
    expect(await isOperator(testDb.db, later)).toBe(false);
    await grantOperator(testDb.db, "mailto:later@dp.example", NOW);
    expect(await isOperator(testDb.db, later)).toBe(true);
  });

  it("leaves the account with the identifier", async () => {
    await grantOperator(testDb.db, "mailto:moving@dp.example", NOW);
    const first = await signIn("moving@dp.example");
    const second = await signIn("second@dp.example");
    await testDb.db.update(identifiers).set({ userId: second }).where(eq(identifiers.uri, "mailto:moving@dp.example"));
    expect(await isOperator(testDb.db, first)).toBe(false);
    expect(await isOperator(testDb.db, second)).toBe(true);
  });
});
