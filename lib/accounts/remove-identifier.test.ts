import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { identifiers, mappings, passkeys, tombstones } from "@/db/schema";
import { lookupCsis } from "@/lib/lookup/lookup-csis";
import { testKeys } from "@/test/support/otp-harness";
import { createRecipients } from "@/test/support/recipients";
import { removeIdentifier } from "./remove-identifier";
import { useSeededTestDatabase } from "@/test/support/seeded-test-database";

const ISSUER = "http://localhost:3000";
const testDb = useSeededTestDatabase();

describe("removing an identifier from an account", () => {
  it("ends its mappings with signed tombstones and its own passkey, and leaves the other identifier's alone", async () => {
    const people = createRecipients(testDb.db);
    const account = await people.signUp("leaving@example.com");
    await people.addIdentifier(account.userId, "staying@example.com");
    const passkey = await people.registerPasskey(account.userId);
    const leavingId = (await testDb.db.select().from(identifiers).where(eq(identifiers.uri, "mailto:leaving@example.com")))[0]!.id;
    const own = await people.registerPasskey(account.userId, leavingId);
    const leaving = await people.publish(account.userId, "mailto:leaving@example.com", own);
    const staying = await people.publish(account.userId, "mailto:staying@example.com", passkey);

    const outcome = await removeIdentifier({ db: testDb.db, issuer: ISSUER, sealingKey: testKeys.sealing, userId: account.userId, identifierId: leavingId, now: people.otp.now() });
    expect(outcome).toEqual({ ok: true, removedMappings: 1 });

    const found = await lookupCsis(testDb.db, ["mailto:leaving@example.com", "mailto:staying@example.com"], people.otp.now());
    expect(found.get("mailto:leaving@example.com")!.result).toBe("none");
    expect(found.get("mailto:staying@example.com")!.result).toBe("found");
    const [ended] = await testDb.db.select().from(mappings).where(eq(mappings.id, leaving));
    expect(ended!.status).not.toBe("active");
    const [tombstone] = await testDb.db.select().from(tombstones).where(eq(tombstones.mappingId, leaving));
    expect(tombstone).toMatchObject({ csi: "mailto:leaving@example.com", removedBy: "recipient", reason: "recipient", signature: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/u) });
    expect((await testDb.db.select().from(mappings).where(eq(mappings.id, staying)))[0]!.status).toBe("active");
    // The identifier's own passkey left with it; the account's stays.
    expect((await testDb.db.select().from(passkeys).where(eq(passkeys.userId, account.userId))).map((row) => row.identifierId)).toEqual([null]);
  });
});
