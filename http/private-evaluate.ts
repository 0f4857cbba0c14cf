import { evaluateRequestSchema, MAX_EVALUATE_BATCH } from "@mimi-discovery/msp-kit";
import { answeringKey, evaluateBlinded } from "@/lib/private/evaluate-blinded";
import { loadOprfKeys } from "@/lib/private/oprf-keys";
import { getSealingKey } from "./private-services";
import { ApiError } from "./problem";
import { readJsonBody } from "./read-json-body";
import { withPrivateToken } from "./with-private-token";

export const PRIVATE_EVALUATE_PATH = "/api/v1/private/evaluate";
/** A full batch: an element and a padded token each, and room for the members' names. */
export const EVALUATE_MAX_BYTES = 1024 + MAX_EVALUATE_BATCH * 560;

/**
 * POST /api/v1/private/evaluate, reached only through the OHTTP gateway (protocol section 7): RFC 9497
 * BlindEvaluate of a batch of blinded CSIs under one DLEQ proof, one token per element (the first in Authorization,
 * the rest in `tokens`). The DP sees blinded elements only: it learns neither the CSIs nor their outputs. Tokens are
 * spent once the answer is ready; a batch with a bad element or token spends none.
 */
export const privateEvaluate = withPrivateToken(async ({ request, db, now, spend, alsoPay }) => {
  const input = evaluateRequestSchema.parse(await readJsonBody(request, EVALUATE_MAX_BYTES));
  if (input.blinded.length > MAX_EVALUATE_BATCH) {
    throw new ApiError("batch_too_large", `One evaluation carries at most ${MAX_EVALUATE_BATCH} blinded elements.`, {}, { max_batch: MAX_EVALUATE_BATCH });
  }
  if (input.tokens.length !== input.blinded.length - 1) {
    throw new ApiError("invalid_token", `${input.blinded.length} elements need ${input.blinded.length} tokens: one in Authorization and ${input.blinded.length - 1} in tokens, not ${input.tokens.length}.`);
  }
  await alsoPay(input.tokens);
  let keys = await loadOprfKeys(db, getSealingKey(), now);
  // A key another instance activated since this one loaded its keys: look again before refusing.
  if (!keys.some((candidate) => candidate.epoch === input.epoch && candidate.state !== "building")) keys = await loadOprfKeys(db, getSealingKey(), now, { refresh: true });
  const key = answeringKey(keys, input.epoch);
  const answer = await evaluateBlinded(key, input.blinded);
  await spend();
  return Response.json({ epoch: key.epoch, ...answer }, { headers: { "cache-control": "no-store" } });
});
