import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { getCurrentSession } from "@/web/current-session";
import { getRelyingParty } from "@/web/services";
import { now } from "@/lib/clock";
import { previewLookup } from "@/lib/mappings/preview-lookup";

export const dynamic = "force-dynamic";

/** The raw answer, as an MSP receives it, for the preview page's "raw JSON" link. */
export async function GET(_request: Request, { params }: { params: Promise<{ identifierId: string }> }) {
  const session = await getCurrentSession();
  if (!session) return new Response("Sign in first.", { status: 401 });
  const { identifierId } = await params;
  const preview = await previewLookup(getDb(), { userId: session.userId, identifierId, issuer: getEnv().publicOrigin, rpId: getRelyingParty().rpId, now: now() });
  if (!preview) return new Response("No such identifier on your account.", { status: 404 });
  return new Response(preview.json, { headers: { "content-type": "application/json", "cache-control": "no-store" } });
}
