import { parseCsiInput, privateLookupRequestSchema } from "@mimi-discovery/msp-kit";
import { readForLookup } from "@/db/lookup-reader";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";
import { SINGLE_LOOKUP_MAX_BYTES } from "./body-limits";
import { ApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { readJsonBody } from "./read-json-body";
import { withPrivateToken } from "./with-private-token";

export const PRIVATE_LOOKUP_PATH = "/api/v1/private/lookup";

/**
 * POST /api/v1/private/lookup, reached only as the inner request of the OHTTP gateway: one identifier, paid with
 * one token, answered exactly as a section 4 lookup. It calls the same lookup function as the MSP API; the token is
 * spent only when the answer is ready, so an invalid identifier or a database failure costs nothing.
 */
export const privateLookup = withPrivateToken(async ({ request, now, spend }) => {
  const input = privateLookupRequestSchema.parse(await readJsonBody(request, SINGLE_LOOKUP_MAX_BYTES));
  const parsed = parseCsiInput(input.csi);
  if (!parsed.ok) throw new ApiError("invalid_value", PROBLEM_DETAILS.invalidIdentifier(parsed.error.detail), {}, { identifier_error: parsed.error.code });
  const result = (await readForLookup((source) => lookupCsis(source, [parsed.csi.uri], now))).get(parsed.csi.uri)!;
  await spend();
  return new Response(serializeLookup(result), { headers: { "content-type": "application/json", "cache-control": "no-store" } });
});
