import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers } from "@/db/schema";
import { publishedJwks } from "@/lib/keys/signing-keys";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";
import { isUuid, verifyLookupAnswer, type VerifiedAnswer } from "@mimi-discovery/msp-kit";

export type LookupPreview = { csi: string; json: string; verified: VerifiedAnswer };

/**
 * What an MSP's lookup of one of the recipient's own identifiers returns today, byte for byte, and what an MSP's
 * verifier makes of it against this DP's published keys. Null when the identifier is not on the account.
 */
export async function previewLookup(
  db: Database,
  options: { userId: string; identifierId: string; issuer: string; rpId: string; now: Date },
): Promise<LookupPreview | null> {
  if (!isUuid(options.identifierId)) return null;
  const [identifier] = await db
    .select({ uri: identifiers.uri })
    .from(identifiers)
    .where(and(eq(identifiers.id, options.identifierId), eq(identifiers.userId, options.userId)));
  if (!identifier) return null;
  const lookup = (await lookupCsis(db, [identifier.uri], options.now)).get(identifier.uri)!;
  const json = serializeLookup(lookup);
  const verified = await verifyLookupAnswer(JSON.parse(json), identifier.uri, {
    jwks: await publishedJwks(db, options.now),
    issuer: options.issuer,
    rpId: options.rpId,
    now: options.now,
  });
  return { csi: identifier.uri, json, verified };
}
