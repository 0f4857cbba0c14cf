import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/index";
import { isUniqueViolation } from "@/db/errors";
import { csipClaims, csipMembers, csips, identifiers } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { now } from "@/lib/clock";
import { normaliseClaimValue } from "@/lib/csip/claims";
import { IdentifierError, normalizeEmail } from "@mimi-discovery/msp-kit";
import { hookAnswer, readHookBody } from "./hook-body";

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
 * tests cannot reach the embedded database while the server holds it.
 */
export async function seedCsip(request: Request): Promise<Response> {
  const parsed = await readHookBody(request, body);
  if (!parsed.ok) return parsed.response;
  const { name, memberEmail } = parsed.data;

  const claims: { kind: "e164_prefix" | "email_domain"; value: string }[] = [];
  for (const claim of parsed.data.claims) {
    const normalised = normaliseClaimValue(claim.kind, claim.value);
    if (!normalised.ok) return hookAnswer(422, { error: `${claim.value}: ${normalised.message}` });
    claims.push({ kind: claim.kind, value: normalised.value });
  }
  let uri: string;
  try {
    uri = normalizeEmail(memberEmail).uri;
  } catch (error) {
    if (!(error instanceof IdentifierError)) throw error;
    return hookAnswer(422, { error: `memberEmail: ${error.message}` });
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
    if (!csipId) return hookAnswer(404, { error: "No account holds that email address; sign in with it first." });
    return hookAnswer(200, { csipId });
  } catch (error) {
    if (isUniqueViolation(error)) return hookAnswer(409, { error: "Another CSIP already holds one of these claims." });
    throw error;
  }
}
