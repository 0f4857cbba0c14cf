import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { identifiers, mappings, type MappingRow } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadActiveSigningKey, publishedJwks } from "@/lib/keys/signing-keys";
import { answerChallenge, consumeChallenge, type AssertionResponse } from "@/lib/passkeys/answer-challenge";
import { maySign } from "@/lib/passkeys/signing-passkeys";
import { PasskeyError } from "@/lib/passkeys/passkey-error";
import type { RelyingParty } from "@/lib/passkeys/relying-party";
import { verifyMapping, type BindingClaims, type MappingDocument, type MappingProof } from "@mimi-discovery/msp-kit";
import { MappingError } from "./mapping-error";
import { afterCommit } from "@/db/after-commit";
import { getMetrics } from "@/lib/metrics/metrics";
import { serializeMapping } from "@/lib/lookup/lookup-csis";
import { writeRecords } from "@/lib/private/write-records";

function methodOf(identifier: { uri: string; lineType: string | null }): BindingClaims["amr"][number] {
  if (identifier.uri.startsWith("mailto:")) return "otp-email";
  return identifier.lineType === "fixed_line" ? "otp-voice" : "otp-sms";
}

/**
 * Publishes a signed mapping. In one transaction: the challenge is taken, the passkey's assertion verified
 * (origin, rpID, UV, counter), the DP's binding signed, the whole proof checked by the same verifier MSPs run,
 * earlier mappings superseded (same label) or de-listed (fresh), the exact bytes stored with an audit row, and the
 * CSI's private-lookup records rewritten.
 */
export async function publishMapping(options: {
  db: Database;
  rp: RelyingParty;
  issuer: string;
  sealingKey: Buffer;
  userId: string;
  challengeId: string;
  response: AssertionResponse;
  now: Date;
}): Promise<MappingRow> {
  const { db, rp, issuer, userId, response, now } = options;
  const challenge = await consumeChallenge(db, { challengeId: options.challengeId, purpose: "sign_mapping", userId, now });
  try {
    return await withTransaction(db, async (tx) => {
      const passkey = await answerChallenge(tx, { challenge, userId, rp, response, now });
      if (!challenge.payload) throw new PasskeyError("challenge_invalid");
      const canonical = challenge.payload;
      const document = JSON.parse(canonical) as MappingDocument;

      // Serialise publishes of one CSI, so seq checks and de-listing see every earlier publish.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`mapping:${document.csi}`}, 0))`);
      const [identifier] = await tx
        .select({ id: identifiers.id, uri: identifiers.uri, lineType: identifiers.lineType })
        .from(identifiers)
        .where(and(eq(identifiers.uri, document.csi), eq(identifiers.userId, userId)));
      if (!identifier) throw new MappingError("identifier_not_verified");
      // The browser was offered only the passkeys that may sign for this identifier; a response from another is refused.
      if (!(await maySign(tx, passkey, identifier.id))) throw new PasskeyError("not_this_identifiers_passkey");
      const [latest] = await tx
        .select({ seq: sql<number>`coalesce(max(${mappings.seq}), 0)::int` })
        .from(mappings)
        .where(eq(mappings.csi, document.csi));
      if (document.seq <= (latest?.seq ?? 0)) throw new MappingError("conflict");

      const key = await loadActiveSigningKey(tx, options.sealingKey);
      const proof: MappingProof = {
        binding: await key.sign({
          iss: issuer,
          sub: document.csi,
          cnf: { jwk: passkey.publicKeyJwk },
          amr: [methodOf(identifier)],
          iat: Math.floor(now.getTime() / 1000),
          exp: Math.floor(Date.parse(document.expires) / 1000),
        }),
        assertion: {
          credential_id: response.id,
          authenticator_data: response.response.authenticatorData,
          client_data_json: response.response.clientDataJSON,
          signature: response.response.signature,
        },
      };
      const verification = await verifyMapping({ document, proof }, { jwks: await publishedJwks(tx, now), issuer, rpId: rp.rpId, now });
      if (!verification.ok) throw new MappingError("proof_invalid", verification.checks.filter((check) => !check.ok));

      const ended = await tx
        .update(mappings)
        .set({ status: document.fresh ? "delisted" : "superseded", endedAt: now, endedReason: document.fresh ? "fresh" : "replaced" })
        .where(
          and(
            eq(mappings.csi, document.csi),
            eq(mappings.status, "active"),
            document.fresh ? sql`true` : and(eq(mappings.userId, userId), eq(mappings.label, document.label)),
          ),
        )
        .returning({ id: mappings.id, userId: mappings.userId });
      // The id is chosen here so that the served bytes, which name it, are complete when the row is written.
      const id = randomUUID();
      const [row] = await tx
        .insert(mappings)
        .values({
          id,
          userId,
          csi: document.csi,
          seq: document.seq,
          label: document.label,
          fresh: document.fresh,
          listsMsps: document.entries.length > 0,
          document: canonical,
          binding: proof.binding,
          bindingKid: key.kid,
          assertion: proof.assertion,
          served: serializeMapping({ id, document: canonical, binding: proof.binding, assertion: proof.assertion }),
          passkeyId: passkey.id,
          createdAt: now,
          expiresAt: new Date(document.expires),
        })
        .returning();
      await recordAudit(tx, {
        at: now,
        actorUserId: userId,
        actorKind: "recipient",
        action: "mapping.published",
        subjectType: "mapping",
        subjectId: row!.id,
        details: { seq: document.seq, label: document.label, fresh: document.fresh, entries: document.entries.length, ended: ended.map((item) => item.id) },
      });
      // The private-lookup records of the CSI, in this transaction: the next private lookup sees this publish.
      await writeRecords(tx, { sealingKey: options.sealingKey, csis: [document.csi], now });
      // De-listing other holders' mappings (a recycled number) is recorded against them too, without naming us.
      for (const other of ended.filter((item) => item.userId !== userId)) {
        await recordAudit(tx, { at: now, actorUserId: other.userId, actorKind: "system", action: "mapping.delisted", subjectType: "mapping", subjectId: other.id, details: { reason: "a newer fresh mapping of this identifier was published" } });
      }
      afterCommit(tx, () => getMetrics().publishes.inc());
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new MappingError("conflict");
    throw error;
  }
}
