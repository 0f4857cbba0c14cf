import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, mappings, msps } from "@/db/schema";
import { canonicalize, computeMappingChallenge, type MappingDocument } from "@mimi-discovery/msp-kit";
import { storeChallenge, WEBAUTHN_CHALLENGE_TTL_MS } from "@/lib/passkeys/challenges";
import type { RelyingParty } from "@/lib/passkeys/relying-party";
import { signingPasskeys } from "@/lib/passkeys/signing-passkeys";
import { buildDocument } from "./build-document";
import type { MappingDraft } from "./draft-schema";
import { MappingError } from "./mapping-error";
import { storesHere, type Residency } from "@/lib/federation/residency";

export type PreparedMapping = {
  challengeId: string;
  document: MappingDocument;
  options: PublicKeyCredentialRequestOptionsJSON;
};

/**
 * Turns a validated draft into the exact document to sign, and asks the recipient's passkey to sign its digest.
 * The document is kept server-side with the challenge; the browser cannot swap it between review and signature.
 */
export async function prepareMapping(options: {
  db: Database;
  rp: RelyingParty;
  issuer: string;
  userId: string;
  draft: MappingDraft;
  ttlDays: number;
  now: Date;
  /** Data residency (protocol section 8): only CSIs of this DP's region may be stored; `regionDp` names where to go. */
  residency?: { rule: Residency; regionDp: (csi: string) => Promise<string | undefined> };
}): Promise<PreparedMapping> {
  const { db, rp, userId, draft, now } = options;
  const [identifier] = await db
    .select({ uri: identifiers.uri })
    .from(identifiers)
    .where(and(eq(identifiers.id, draft.identifierId), eq(identifiers.userId, userId)));
  if (!identifier) throw new MappingError("identifier_not_verified");
  if (options.residency && !storesHere(options.residency.rule, identifier.uri)) throw new MappingError("wrong_region", { dp: await options.residency.regionDp(identifier.uri) });

  const named = new Set(draft.entries.flatMap((entry) => [entry.msp, ...(entry.audience.kind === "sender_msps" ? entry.audience.msps : [])]));
  if (named.size > 0) {
    const known = await db.select({ id: msps.id }).from(msps).where(and(inArray(msps.id, [...named]), isNull(msps.deletedAt)));
    const unknown = [...named].filter((id) => !known.some((row) => row.id === id));
    if (unknown.length > 0) throw new MappingError("unknown_msp", { unknown });
  }

  const credentials = await signingPasskeys(db, { userId, identifierId: draft.identifierId });
  if (credentials.length === 0) throw new MappingError("no_passkey");

  const [latest] = await db
    .select({ seq: sql<number>`coalesce(max(${mappings.seq}), 0)::int` })
    .from(mappings)
    .where(eq(mappings.csi, identifier.uri));
  const document = buildDocument({ draft, issuer: options.issuer, csi: identifier.uri, seq: (latest?.seq ?? 0) + 1, now, ttlDays: options.ttlDays });
  const canonical = canonicalize(document);
  // The same function verifiers run, so the DP cannot ask a passkey to sign anything but this document.
  const challenge = await computeMappingChallenge(document);
  const stored = await storeChallenge(db, { purpose: "sign_mapping", userId, challenge, payload: canonical, now });
  return {
    challengeId: stored.id,
    document,
    options: {
      challenge,
      rpId: rp.rpId,
      allowCredentials: credentials.map((credential) => ({ id: credential.credentialId, type: "public-key", transports: credential.transports as never })),
      userVerification: "required",
      timeout: WEBAUTHN_CHALLENGE_TTL_MS,
    },
  };
}
