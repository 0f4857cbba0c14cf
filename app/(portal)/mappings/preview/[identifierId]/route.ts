import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/index";
import { identifiers } from "@/db/schema";
import { getCurrentSession } from "@/web/current-session";
import { now } from "@/lib/clock";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";

export const dynamic = "force-dynamic";

/** Exactly what an MSP's lookup of one of the recipient's own identifiers returns today. */
export async function GET(_request: Request, { params }: { params: Promise<{ identifierId: string }> }) {
  const session = await getCurrentSession();
  if (!session) return new Response("Sign in first.", { status: 401 });
  const { identifierId } = await params;
  if (!/^[0-9a-f-]{36}$/u.test(identifierId)) return new Response("No such identifier on your account.", { status: 404 });
  const db = getDb();
  const [identifier] = await db
    .select({ uri: identifiers.uri })
    .from(identifiers)
    .where(and(eq(identifiers.id, identifierId), eq(identifiers.userId, session.userId)));
  if (!identifier) return new Response("No such identifier on your account.", { status: 404 });
  const lookup = (await lookupCsis(db, [identifier.uri], now())).get(identifier.uri)!;
  return new Response(serializeLookup(lookup), { headers: { "content-type": "application/json", "cache-control": "no-store" } });
}
