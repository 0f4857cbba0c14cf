import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings } from "@/db/schema";
import type { LookupResultStatus, MappingAssertion } from "@mimi-discovery/msp-kit";

/** One active mapping as stored: the document is the exact signed text, served without re-serialising. */
export type StoredMapping = {
  id: string;
  document: string;
  binding: string;
  assertion: MappingAssertion;
  /** Decided when written (R5); only lookups read it, so serialising a mapping never needs it. */
  listsMsps?: boolean;
};

export type CsiLookup = { csi: string; result: LookupResultStatus; mappings: StoredMapping[] };

/**
 * The lookup itself, as a clean function: normalised CSI URIs in, results out, in one query however many CSIs.
 * It knows nothing of who asks, so any transport (the MSP API, an OHTTP relay, a federation peer) can call it.
 * No signature work: proofs were verified when each mapping was written.
 */
export async function lookupCsis(db: Database, csis: string[], now: Date): Promise<Map<string, CsiLookup>> {
  const unique = [...new Set(csis)];
  const results = new Map<string, CsiLookup>(unique.map((csi) => [csi, { csi, result: "none", mappings: [] }]));
  if (unique.length === 0) return results;
  const rows = await lookupQueryFor(db).execute({ csis: unique, now: now.toISOString() });
  for (const row of rows) {
    const entry = results.get(row.csi)!;
    entry.mappings.push({ id: row.id, document: row.document, binding: row.binding, assertion: row.assertion, listsMsps: row.listsMsps });
    // R5: "found" as soon as one mapping lists an MSP; "opted_out" while every one lists none.
    if (row.listsMsps) entry.result = "found";
    else if (entry.result === "none") entry.result = "opted_out";
  }
  return results;
}

function buildLookupQuery(db: Database) {
  return db
    .select({
      id: mappings.id,
      csi: mappings.csi,
      document: mappings.document,
      binding: mappings.binding,
      assertion: mappings.assertion,
      listsMsps: mappings.listsMsps,
    })
    .from(mappings)
    // One array parameter, so that one prepared statement serves every batch size.
    .where(
      and(
        sql`${mappings.csi} = any(${sql.placeholder("csis")}::text[])`,
        eq(mappings.status, "active"),
        sql`${mappings.expiresAt} > ${sql.placeholder("now")}::timestamptz`,
      ),
    )
    .orderBy(asc(mappings.csi), asc(mappings.seq))
    .prepare("lookup_csis");
}

// Prepared once per database: planning the query on every lookup cost as much as running it.
const lookupQueries = new WeakMap<Database, ReturnType<typeof buildLookupQuery>>();

function lookupQueryFor(db: Database) {
  let query = lookupQueries.get(db);
  if (!query) lookupQueries.set(db, (query = buildLookupQuery(db)));
  return query;
}

/** One served mapping as JSON text, its document spliced in as the exact bytes the recipient signed. */
export function serializeMapping(mapping: StoredMapping): string {
  return `{"id":${JSON.stringify(mapping.id)},"document":${mapping.document},"proof":{"binding":${JSON.stringify(mapping.binding)},"assertion":${JSON.stringify(mapping.assertion)}}}`;
}

/** A lookup result as JSON text (protocol section 4), without re-serialising any document. */
export function serializeLookup(lookup: CsiLookup): string {
  return `{"csi":${JSON.stringify(lookup.csi)},"result":${JSON.stringify(lookup.result)},"mappings":[${lookup.mappings.map(serializeMapping).join(",")}]}`;
}
