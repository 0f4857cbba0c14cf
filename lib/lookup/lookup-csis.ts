import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings } from "@/db/schema";
import type { LookupResultStatus, MappingAssertion } from "@mimi-discovery/msp-kit";

/** What a mapping is made of when served: the document is the exact signed text, never re-serialised. */
export type MappingParts = {
  id: string;
  document: string;
  binding: string;
  assertion: MappingAssertion;
};

/** One active mapping as a lookup finds it: its id, and its served JSON as prepared when it was written. */
export type StoredMapping = { id: string; served: string };

export type CsiLookup = { csi: string; result: LookupResultStatus; mappings: StoredMapping[] };

/**
 * The lookup itself, as a clean function: normalised CSI URIs in, results out, in one query however many CSIs.
 * It knows nothing of who asks, so any transport (the MSP API, an OHTTP relay, a federation peer) can call it.
 * No signature work and no serialising: proofs were verified, and the served bytes made, when each mapping was written.
 */
export async function lookupCsis(db: Database, csis: string[], now: Date): Promise<Map<string, CsiLookup>> {
  const unique = [...new Set(csis)];
  const results = new Map<string, CsiLookup>(unique.map((csi) => [csi, { csi, result: "none", mappings: [] }]));
  // Stryker disable next-line ConditionalExpression: equivalent, the query finds nothing for no CSIs; this saves the round trip.
  if (unique.length === 0) return results;
  const rows = await lookupQueryFor(db).execute({ csis: unique, now: now.toISOString() });
  for (const row of rows) {
    const entry = results.get(row.csi)!;
    entry.mappings.push({ id: row.id, served: row.served });
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
      served: mappings.served,
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
    // Stryker disable next-line StringLiteral: equivalent, the name only labels the prepared plan on the server.
    .prepare("lookup_csis");
}

// Prepared once per database: planning the query on every lookup cost as much as running it.
const lookupQueries = new WeakMap<Database, ReturnType<typeof buildLookupQuery>>();

function lookupQueryFor(db: Database) {
  let query = lookupQueries.get(db);
  // Stryker disable next-line ConditionalExpression: equivalent in results, a fresh plan each time only costs time (the bench measures it).
  if (!query) lookupQueries.set(db, (query = buildLookupQuery(db)));
  return query;
}

/**
 * One served mapping as JSON text, its document spliced in as the exact bytes the recipient signed. Run once, when
 * the mapping is written (mappings.served); lookups splice what it made.
 */
export function serializeMapping(mapping: MappingParts): string {
  return `{"id":${JSON.stringify(mapping.id)},"document":${mapping.document},"proof":{"binding":${JSON.stringify(mapping.binding)},"assertion":${JSON.stringify(inJsonbOrder(mapping.assertion))}}}`;
}

/**
 * The assertion's members in the order PostgreSQL's jsonb keeps them (shorter keys first, then bytewise), which is
 * how lookups served them when they read the column: bytes prepared at write time, rows filled by the migration and
 * answers served before either are then the same bytes.
 */
function inJsonbOrder(value: MappingAssertion): Record<string, unknown> {
  const keys = Object.keys(value).sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Object.fromEntries(keys.map((key) => [key, value[key as keyof MappingAssertion]]));
}

/** A lookup result as JSON text (protocol section 4): the served mappings spliced in, nothing re-serialised. */
export function serializeLookup(lookup: CsiLookup): string {
  return `{"csi":${JSON.stringify(lookup.csi)},"result":${JSON.stringify(lookup.result)},"mappings":[${lookup.mappings.map((mapping) => mapping.served).join(",")}]}`;
}
