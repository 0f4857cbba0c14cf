import { getDb } from "@/db/index";
import { getCurrentSession } from "@/web/current-session";
import { findOwnMapping } from "@/lib/mappings/list-mappings";

export const dynamic = "force-dynamic";

/** The recipient's own signed mapping, byte for byte as served, for download and for `npm run verify`. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await getCurrentSession();
  if (!session) return new Response("Sign in first.", { status: 401 });
  const mapping = await findOwnMapping(getDb(), session.userId, (await params).id);
  if (!mapping) return new Response("No such mapping on your account.", { status: 404 });
  return new Response(mapping.served, {
    headers: {
      "content-type": "application/json",
      "content-disposition": `attachment; filename="mapping-${mapping.id}.json"`,
      "cache-control": "no-store",
    },
  });
}
