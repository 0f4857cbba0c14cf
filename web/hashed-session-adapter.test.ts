import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { hashSessionToken } from "@/lib/auth/session-rules";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { withHashedSessionTokens } from "./hashed-session-adapter";

let testDb: TestDatabase;
let adapter: ReturnType<typeof withHashedSessionTokens>;
let userId: string;
const EXPIRES = new Date("2026-12-22T10:00:00Z");

beforeAll(async () => {
  testDb = await createTestDatabase();
  adapter = withHashedSessionTokens(
    DrizzleAdapter(testDb.db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens }),
  );
  [{ id: userId }] = (await testDb.db.insert(users).values({}).returning({ id: users.id })) as [{ id: string }];
});
afterAll(async () => {
  await testDb.close();
});

const stored = async () => testDb.db.select().from(sessions).where(eq(sessions.userId, userId));

/** Auth.js hands the adapter the cookie's raw token; the sessions table must only ever see its SHA-256. */
describe("the session adapter", () => {
  it("stores a new session under the token's hash and hands Auth.js the raw token back", async () => {
    const created = await adapter.createSession!({ sessionToken: "raw-token-1", userId, expires: EXPIRES });
    expect(created.sessionToken).toBe("raw-token-1");
    expect((await stored()).map((row) => row.sessionToken)).toEqual([hashSessionToken("raw-token-1")]);
    expect(JSON.stringify(await stored())).not.toContain("raw-token-1");
  });

  it("finds a session by the raw token, never by its hash", async () => {
    await adapter.createSession!({ sessionToken: "raw-token-2", userId, expires: EXPIRES });
    const found = await adapter.getSessionAndUser!("raw-token-2");
    expect(found).toMatchObject({ session: { sessionToken: "raw-token-2", userId, expires: EXPIRES }, user: { id: userId } });
    // A copy of the table is no cookie: presenting a stored value signs nobody in.
    expect(await adapter.getSessionAndUser!(hashSessionToken("raw-token-2"))).toBeNull();
    expect(await adapter.getSessionAndUser!("unknown-token")).toBeNull();
  });

  it("extends a session found by the raw token, and answers with the raw token", async () => {
    await adapter.createSession!({ sessionToken: "raw-token-3", userId, expires: EXPIRES });
    const later = new Date(EXPIRES.getTime() + 86_400_000);
    const updated = await adapter.updateSession!({ sessionToken: "raw-token-3", expires: later });
    expect(updated).toMatchObject({ sessionToken: "raw-token-3", expires: later });
    const [row] = await testDb.db.select().from(sessions).where(eq(sessions.sessionToken, hashSessionToken("raw-token-3")));
    expect(row!.expires).toEqual(later);
    // The stored hash presented as a token matches no session (the Drizzle adapter answers undefined).
    expect(await adapter.updateSession!({ sessionToken: hashSessionToken("raw-token-3"), expires: new Date(0) })).toBeFalsy();
    expect((await testDb.db.select().from(sessions).where(eq(sessions.sessionToken, hashSessionToken("raw-token-3"))))[0]!.expires).toEqual(later);
  });

  it("ends a session by the raw token", async () => {
    await adapter.createSession!({ sessionToken: "raw-token-4", userId, expires: EXPIRES });
    await adapter.deleteSession!("raw-token-4");
    expect(await adapter.getSessionAndUser!("raw-token-4")).toBeNull();
    expect(await testDb.db.select().from(sessions).where(eq(sessions.sessionToken, hashSessionToken("raw-token-4")))).toEqual([]);
  });
});
