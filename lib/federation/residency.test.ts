import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mappings } from "@/db/schema";
import { mappingDraftSchema } from "@/lib/mappings/draft-schema";
import { MappingError } from "@/lib/mappings/mapping-error";
import { prepareMapping } from "@/lib/mappings/prepare-mapping";
import { createRecipients } from "@/test/support/recipients";
import { storesHere } from "./residency";
import { useSeededTestDatabase } from "@/test/support/seeded-test-database";

const testDb = useSeededTestDatabase();

describe("data residency (protocol section 8)", () => {
  it("covers a CSI by E.164 prefix or email domain, or everything with *", () => {
    const us = { e164Prefixes: ["+1"], emailDomains: [] as string[] };
    expect(storesHere(us, "tel:+14155550123")).toBe(true);
    expect(storesHere(us, "tel:+33612345678")).toBe(false);
    expect(storesHere(us, "mailto:bob@mail.example")).toBe(false);
    expect(storesHere({ e164Prefixes: [], emailDomains: ["mail.example"] }, "mailto:bob@mail.example")).toBe(true);
    expect(storesHere({ e164Prefixes: [], emailDomains: ["mail.example"] }, "mailto:bob@sub.mail.example")).toBe(false);
    expect(storesHere({ e164Prefixes: "*", emailDomains: "*" }, "tel:+33612345678")).toBe(true);
  });

  it("stores no mapping of another region's CSI, and sends its recipient to that region's DP by name", async () => {
    const recipients = createRecipients(testDb.db, "http://localhost:3000", { residency: { e164Prefixes: ["+1"], emailDomains: "*" } });
    const { userId } = await recipients.signUp("+33 6 12 34 56 79");
    const authenticator = await recipients.registerPasskey(userId);
    await expect(recipients.publish(userId, "tel:+33612345679", authenticator)).rejects.toThrow(MappingError);
    expect(await testDb.db.select().from(mappings).where(eq(mappings.csi, "tel:+33612345679"))).toEqual([]);

    const identifierId = (await testDb.db.query.identifiers.findFirst({ where: (table, { eq: equals }) => equals(table.uri, "tel:+33612345679") }))!.id;
    const refusal = await prepareMapping({
      db: testDb.db,
      rp: recipients.rp,
      issuer: recipients.origin,
      userId,
      draft: mappingDraftSchema.parse({ identifierId, label: "Personal", fresh: false, entries: [] }),
      ttlDays: 365,
      now: recipients.otp.now(),
      residency: { rule: { e164Prefixes: ["+1"], emailDomains: "*" }, regionDp: async () => "https://dp-eu.example" },
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MappingError);
    expect((refusal as MappingError).code).toBe("wrong_region");
    expect((refusal as MappingError).message).toMatch(/another region.*Publish its mapping at https:\/\/dp-eu\.example/u);
  });

  it("publishes a CSI of its own region as before", async () => {
    const recipients = createRecipients(testDb.db, "http://localhost:3000", { residency: { e164Prefixes: ["+1"], emailDomains: "*" } });
    const { userId } = await recipients.signUp("+1 415 555 0124");
    const id = await recipients.publish(userId, "tel:+14155550124", await recipients.registerPasskey(userId));
    expect((await testDb.db.select().from(mappings).where(eq(mappings.id, id)))[0]?.status).toBe("active");
  });
});
