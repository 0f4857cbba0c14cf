import { readFileSync } from "node:fs";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mappings } from "@/db/schema";
import { createAppHarness } from "@/test/support/app-harness";
import { lookupCsis, serializeLookup } from "./lookup-csis";

let app: Awaited<ReturnType<typeof createAppHarness>>;
beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  await app.close();
});

const lookupOne = async (csi: string, now: Date) => (await lookupCsis(app.db, [csi], now)).get(csi)!;

describe("lookupCsis", () => {
  it("never serves a mapping at or after its expiry, and serves it until then", async () => {
    const mapping = await app.publishFor("expiring@example.com");
    const [row] = await app.db.select({ expiresAt: mappings.expiresAt }).from(mappings).where(eq(mappings.id, mapping.id));
    const expiresAt = row!.expiresAt;
    expect((await lookupOne(mapping.csi, new Date(expiresAt.getTime() - 1))).mappings.map((served) => served.id)).toEqual([mapping.id]);
    expect(await lookupOne(mapping.csi, expiresAt)).toEqual({ csi: mapping.csi, result: "none", mappings: [] });
    expect(await lookupOne(mapping.csi, new Date(expiresAt.getTime() + 86_400_000))).toEqual({ csi: mapping.csi, result: "none", mappings: [] });
  });

  it("says found when one mapping lists an MSP, even beside an opt-out, and serves both in seq order", async () => {
    const optOut = await app.publishFor("mixed@example.com", { label: "Quiet", entries: [] });
    const listing = await app.publishFor("mixed@example.com", { label: "Personal" });
    const lookup = await lookupOne(optOut.csi, new Date());
    expect(lookup.result).toBe("found");
    expect(lookup.mappings.map((served) => served.id)).toEqual([optOut.id, listing.id]);
  });

  it("stays found when an opt-out comes after a mapping that lists an MSP", async () => {
    const listing = await app.publishFor("listing-first@example.com", { label: "Personal" });
    const optOut = await app.publishFor("listing-first@example.com", { label: "Quiet", entries: [] });
    const lookup = await lookupOne(listing.csi, new Date());
    expect(lookup.mappings.map((served) => served.id)).toEqual([listing.id, optOut.id]);
    expect(lookup.result).toBe("found");
  });

  it("serialises several mappings as one JSON list", async () => {
    const first = await app.publishFor("two-served@example.com", { label: "One" });
    const second = await app.publishFor("two-served@example.com", { label: "Two" });
    const served = JSON.parse(serializeLookup(await lookupOne(first.csi, new Date()))) as { csi: string; result: string; mappings: { id: string }[] };
    expect(served).toMatchObject({ csi: first.csi, result: "found" });
    expect(served.mappings.map((mapping) => mapping.id)).toEqual([first.id, second.id]);
  });

  it("says opted_out when every mapping lists no MSP, and none when there is no mapping", async () => {
    const first = await app.publishFor("quiet@example.com", { label: "One", entries: [] });
    await app.publishFor("quiet@example.com", { label: "Two", entries: [] });
    expect((await lookupOne(first.csi, new Date())).result).toBe("opted_out");
    expect(await lookupOne("mailto:nobody.here@example.com", new Date())).toEqual({ csi: "mailto:nobody.here@example.com", result: "none", mappings: [] });
  });

  it("answers every distinct CSI once, repeats included, and nothing for an empty list", async () => {
    const mapping = await app.publishFor("repeat@example.com");
    const results = await lookupCsis(app.db, [mapping.csi, "mailto:other.one@example.com", mapping.csi], new Date());
    expect([...results.keys()]).toEqual([mapping.csi, "mailto:other.one@example.com"]);
    expect(results.get(mapping.csi)!.mappings).toHaveLength(1);
    expect((await lookupCsis(app.db, [], new Date())).size).toBe(0);
  });

  it("serves the exact stored bytes of the document", async () => {
    const mapping = await app.publishFor("bytes@example.com");
    const served = JSON.parse(serializeLookup(await lookupOne(mapping.csi, new Date()))) as { mappings: { id: string; document: unknown; proof: { binding: string } }[] };
    const [row] = await app.db.select().from(mappings).where(eq(mappings.id, mapping.id));
    expect(JSON.stringify(served.mappings[0]!.document)).toBe(row!.document);
    expect(served.mappings[0]!.proof.binding).toBe(row!.binding);
  });

  it("serves the bytes prepared when the mapping was written, which are serializeMapping's of its parts", async () => {
    const mapping = await app.publishFor("prepared@example.com");
    const [row] = await app.db.select().from(mappings).where(eq(mappings.id, mapping.id));
    // The bytes lookups served when they serialised the columns on every lookup (the assertion as read from jsonb).
    expect(row!.served).toBe(`{"id":"${row!.id}","document":${row!.document},"proof":{"binding":"${row!.binding}","assertion":${JSON.stringify(row!.assertion)}}}`);
    // The lookup sends the stored column, not a serialisation of the other columns: change it, and the answer follows.
    await app.db.update(mappings).set({ served: '{"id":"changed"}' }).where(eq(mappings.id, mapping.id));
    expect(serializeLookup(await lookupOne(mapping.csi, new Date()))).toBe(`{"csi":"${mapping.csi}","result":"found","mappings":[{"id":"changed"}]}`);
    await app.db.update(mappings).set({ served: row!.served }).where(eq(mappings.id, mapping.id));
  });

  it("the migration prepares the served bytes of rows written before it, with the same values", async () => {
    const mapping = await app.publishFor("older@example.com");
    const [row] = await app.db.select().from(mappings).where(eq(mappings.id, mapping.id));
    // The migration's own UPDATE, as committed, run on this row as if it predated the column.
    const migration = readFileSync(new URL("../../db/migrations/0010_served_mappings.sql", import.meta.url), "utf8");
    const backfill = migration.split("--> statement-breakpoint").map((part) => part.trim()).find((part) => part.startsWith("UPDATE"))!;
    await app.db.update(mappings).set({ served: "" }).where(eq(mappings.id, mapping.id));
    await app.db.execute(sql.raw(`${backfill.replace(/;$/u, "")} WHERE "id" = '${mapping.id}'`));
    const [after] = await app.db.select({ served: mappings.served }).from(mappings).where(eq(mappings.id, mapping.id));
    expect(after!.served).toBe(row!.served);
  });

  it("keeps the served text in the row and the columns lookups do not read out of line (migration 0010)", async () => {
    type Row = { attname: string; attstorage: string };
    // PGlite answers { rows }, postgres.js the rows themselves.
    const result = (await app.db.execute(sql`select attname, attstorage from pg_attribute where attrelid = 'mappings'::regclass and attname in ('served', 'document', 'binding', 'assertion') order by attname`)) as unknown as Row[] & { rows?: Row[] };
    const rows = result.rows ?? result;
    expect(Object.fromEntries(rows.map((row) => [row.attname, row.attstorage]))).toEqual({ assertion: "e", binding: "e", document: "e", served: "m" });
  });
});
