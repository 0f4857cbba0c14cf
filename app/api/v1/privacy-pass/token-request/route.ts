import { TOKEN_REQUEST_MAX_BYTES } from "@/http/body-limits";
import { readBinaryBody } from "@/http/read-json-body";
import { getSealingKey } from "@/http/private-services";
import { withApiKey } from "@/http/with-api-key";
import { issuingKeyFor } from "@/lib/private/issuer-keys";
import { blindSign, checkTokenRequest, recordIssuance } from "@/lib/private/issue-token";
import { TOKEN_REQUEST_MEDIA_TYPE, TOKEN_RESPONSE_MEDIA_TYPE } from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/privacy-pass/token-request (RFC 9578 section 6): an MSP, with its API key, turns one TokenRequest
 * into one TokenResponse. Each token costs one identifier of the MSP's lookup limits, charged before signing: past
 * the limit the answer is a 429 and nothing is issued. The DP sees only a blinded message, so it cannot recognise
 * the token when it is redeemed.
 */
export const POST = withApiKey("msp", async ({ request, db, now, charge, key }) => {
  const body = await readBinaryBody(request, TOKEN_REQUEST_MEDIA_TYPE, TOKEN_REQUEST_MAX_BYTES);
  const checked = await checkTokenRequest(body, (truncatedKeyId) => issuingKeyFor(db, getSealingKey(), now, truncatedKeyId));
  await charge(1);
  await recordIssuance(db, key.mspId, now);
  return new Response(Buffer.from(blindSign(checked)), { headers: { "content-type": TOKEN_RESPONSE_MEDIA_TYPE, "cache-control": "no-store" } });
});
