import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/index";
import { isUniqueViolation } from "@/db/errors";
import { csipClaims, csipMembers, csips, identifiers } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { getEnv } from "@/env";
import { now } from "@/lib/clock";
import { normaliseClaimValue } from "@/lib/csip/claims";
import { IdentifierError, normalizeEmail } from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

const body = z
  .object({
    name: z.string().trim().min(1).max(80),
    claims: z.array(z.object({ kind: z.enum(["e164_prefix", "email_domain"]), value: z.string().max(512) }).strict()).max(20),
    memberEmail: z.string().max(254),
  })
  .strict();

/**
 * Creates a CSIP with APPROVED claims and makes the account holding `memberEmail` (a verified identifier) its admin,
 * for e2e tests of the CSIP console: the operator's screens for this are not what those tests exercise, and the
 * tests cannot reach the embedded database while the server holds it. Exists only with TEST_HOOKS=1, never in
 * production (env.ts refuses that combination).
 */
export async function POST(request: Request) {
  if (!getEnv().testHooks) return new Response("Not found", { status: 404 });
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: parsed.error.issues[0]?.message ?? "invalid body" }, { status: 422 });
  const { name, memberEmail } = parsed.data;

  const claims: { kind: "e164_prefix" | "email_domain"; value: string }[] = [];
  for (const claim of parsed.data.claims) {
    const normalised = normaliseClaimValue(claim.kind, claim.value);
    if (!normalised.ok) return Response.json({ error: `${claim.value}: ${normalised.message}` }, { status: 422 });
    claims.push({ kind: claim.kind, value: normalised.value });
  }
  let uri: string;
  try {
    uri = normalizeEmail(memberEmail).uri;
  } catch (error) {
    if (!(error instanceof IdentifierError)) throw error;
    return Response.json({ error: `memberEmail: ${error.message}` }, { status: 422 });
  }

  const db = getDb();
  const at = now();
  try {
    const csipId = await withTransaction(db, async (tx) => {
      const [holder] = await tx.select({ userId: identifiers.userId }).from(identifiers).where(eq(identifiers.uri, uri));
      if (!holder) return null;
      const [csip] = await tx.insert(csips).values({ name, createdAt: at }).returning({ id: csips.id });
      for (const claim of claims) {
        await tx.insert(csipClaims).values({ csipId: csip!.id, ...claim, status: "approved", createdAt: at, decidedAt: at });
      }
      await tx.insert(csipMembers).values({ csipId: csip!.id, userId: holder.userId, addedAt: at });
      return csip!.id;
    });
    if (!csipId) return Response.json({ error: "No account holds that email address; sign in with it first." }, { status: 404 });
    return Response.json({ csipId });
  } catch (error) {
    if (isUniqueViolation(error)) return Response.json({ error: "Another CSIP already holds one of these claims." }, { status: 409 });
    throw error;
  }
}
