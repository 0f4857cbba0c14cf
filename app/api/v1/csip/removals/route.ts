import { getEnv } from "@/env";
import { isUniqueViolation } from "@/db/errors";
import { withTransaction } from "@/db/transaction";
import { CSIP_REMOVAL_MAX_BYTES } from "@/http/body-limits";
import { readJsonBody } from "@/http/read-json-body";
import { withApiKey } from "@/http/with-api-key";
import { getAppKeys, getTextDeliverer } from "@/web/services";
import { sendNotice } from "@/lib/notifications/notify";
import { applyCsipRemovals, type ItemResult } from "@/lib/removals/apply-csip-removals";
import { auditRemovalRequest } from "@/lib/removals/audit-removal-request";
import { findReplay, readIdempotencyKey, requestHash, storeAnswer, type StoredAnswer } from "@/lib/removals/idempotency";
import { csipRemovalRequestSchema, type CsipRemovalItemResult } from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

/**
 * Each item on the wire (protocol section 5) with its own status: 200 applied, 403 outside the CSIP's authority,
 * 422 invalid. The domain says what happened; this route says it in HTTP.
 */
function wireItem(result: ItemResult): CsipRemovalItemResult {
  if (result.applied) return { index: result.index, csi: result.csi, status: 200, outcome: result.outcome, removed: result.removed };
  return { index: result.index, input: result.input, status: result.refusal === "outside_authority" ? 403 : 422, error: result.error };
}

/** 200 when every item was applied, 207 when some were refused, 403 or 422 when none was applied. */
function overallStatus(statuses: number[]): number {
  if (statuses.every((status) => status === 200)) return 200;
  if (statuses.some((status) => status === 200)) return 207;
  return statuses.includes(403) ? 403 : 422;
}

const answerOf = (answer: StoredAnswer, replayed: boolean) =>
  new Response(answer.body, {
    status: answer.status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...(replayed ? { "idempotent-replayed": "true" } : {}) },
  });

/**
 * CSIP removals (protocol section 5): per-item results, one transaction for the whole request, an
 * Idempotency-Key that replays the first answer, signed tombstones for every removed mapping.
 */
export const POST = withApiKey("csip", "csip_removals", async ({ request, db, now, key }) => {
  const idempotencyKey = readIdempotencyKey(request.headers.get("idempotency-key"));
  const body = await readJsonBody(request, CSIP_REMOVAL_MAX_BYTES);
  const input = csipRemovalRequestSchema.parse(body);
  const hash = requestHash(body);
  if (idempotencyKey) {
    // In a transaction, so that with a replica its commit waits for the standby like any write's (db/guarded-sql.ts):
    // the first answer may be of a removal whose COMMIT the standby never confirmed (a 503 then), and replaying it
    // must not acknowledge that removal before the standby lookups read from has applied it.
    const replay = await withTransaction(db, (tx) => findReplay(tx, key.csipId, idempotencyKey, hash));
    if (replay) return answerOf(replay, true);
  }
  const { publicOrigin } = getEnv();
  let outcome: { answer: StoredAnswer; notices: Awaited<ReturnType<typeof applyCsipRemovals>>["notices"] };
  try {
    outcome = await withTransaction(db, async (tx) => {
      const requestedBy = { via: "api", apiKeyId: key.keyId } as const;
      const { results, notices } = await applyCsipRemovals({
        tx,
        csipId: key.csipId,
        items: input.items,
        requestedBy,
        issuer: publicOrigin,
        sealingKey: getAppKeys().sealing,
        auditKey: getAppKeys().audit,
        now,
      });
      const items = results.map(wireItem);
      const applied = results.filter((result) => result.applied).length;
      await auditRemovalRequest(tx, { csipId: key.csipId, requestedBy, items: results.length, applied, now });
      const answer = {
        status: overallStatus(items.map((item) => item.status)),
        body: JSON.stringify({ results: items, summary: { items: results.length, applied, refused: results.length - applied } }),
      };
      if (idempotencyKey) await storeAnswer(tx, { csipId: key.csipId, key: idempotencyKey, hash, answer, now });
      return { answer, notices };
    });
  } catch (error) {
    // The same key raced us and committed first: its answer is the answer.
    if (idempotencyKey && isUniqueViolation(error)) {
      const replay = await withTransaction(db, (tx) => findReplay(tx, key.csipId, idempotencyKey, hash));
      if (replay) return answerOf(replay, true);
    }
    throw error;
  }
  const deliverText = getTextDeliverer();
  await Promise.allSettled(outcome.notices.map((notice) => sendNotice(db, deliverText, notice)));
  return answerOf(outcome.answer, false);
});
