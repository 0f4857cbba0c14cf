import { TOKEN_BATCH_MAX_BYTES, TOKEN_REQUEST_MAX_BYTES } from "@/http/body-limits";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { readBinaryBody } from "@/http/read-json-body";
import { getSealingKey } from "@/http/private-services";
import { withApiKey } from "@/http/with-api-key";
import { issuingKeyFor } from "@/lib/private/issuer-keys";
import { blindSign, checkTokenBatch, checkTokenRequest } from "@/lib/private/issue-token";
import {
  encodeGenericBatchTokenResponse,
  GENERIC_BATCH_REQUEST_MEDIA_TYPE,
  GENERIC_BATCH_RESPONSE_MEDIA_TYPE,
  TOKEN_REQUEST_MEDIA_TYPE,
  TOKEN_RESPONSE_MEDIA_TYPE,
} from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/privacy-pass/token-request (RFC 9578 section 6): an MSP, with its API key, turns one TokenRequest into
 * one TokenResponse, or a generic batch of them (draft-ietf-privacypass-batched-tokens section 6) into a batch of
 * responses. Each token costs one identifier of the MSP's lookup limits, charged before signing: past the limit the
 * answer is a 429 and nothing is issued. The DP sees only blinded messages, so it cannot recognise a token when it is
 * redeemed.
 */
export const POST = withApiKey("msp", "token_request", async ({ request, db, now, charge }) => {
  const { mediaType, body } = await readBinaryBody(request, { [TOKEN_REQUEST_MEDIA_TYPE]: TOKEN_REQUEST_MAX_BYTES, [GENERIC_BATCH_REQUEST_MEDIA_TYPE]: TOKEN_BATCH_MAX_BYTES });
  const findKey = (truncatedKeyId: number) => issuingKeyFor(db, getSealingKey(), now, truncatedKeyId);
  const headers = { "cache-control": "no-store" };
  if (mediaType === TOKEN_REQUEST_MEDIA_TYPE) {
    const checked = await checkTokenRequest(body, findKey);
    // Charged before signing: past the limit, nothing is issued. withApiKey counts what was charged as issued.
    await charge(1);
    return new Response(Buffer.from(blindSign(checked)), { headers: { ...headers, "content-type": TOKEN_RESPONSE_MEDIA_TYPE } });
  }
  const slots = await checkTokenBatch(body, findKey);
  const issuable = slots.filter((slot) => slot !== undefined).length;
  if (issuable === 0) throw new ApiError("malformed_request", PROBLEM_DETAILS.noTokenIssuable);
  await charge(issuable);
  const responses = slots.map((slot) => (slot ? blindSign(slot) : null));
  // 206: some slots were left empty (their key does not issue now); the client fetches the directory again for those.
  return new Response(Buffer.from(encodeGenericBatchTokenResponse(responses)), {
    status: issuable === slots.length ? 200 : 206,
    headers: { ...headers, "content-type": GENERIC_BATCH_RESPONSE_MEDIA_TYPE },
  });
});
