import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { SINGLE_LOOKUP_MAX_BYTES } from "@/http/body-limits";
import { parseCsiInput, lookupRequestSchema } from "@mimi-discovery/msp-kit";
import { readJsonBody } from "@/http/read-json-body";
import { jsonAnswer, withApiKey } from "@/http/with-api-key";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";

export const dynamic = "force-dynamic";

/** One identifier: every active, verifiable mapping of it (protocol section 4). Costs one token. */
export const POST = withApiKey("msp", "lookup", async ({ request, db, now, charge }) => {
  const input = lookupRequestSchema.parse(await readJsonBody(request, SINGLE_LOOKUP_MAX_BYTES));
  const parsed = parseCsiInput(input.csi);
  if (!parsed.ok) throw new ApiError("invalid_value", PROBLEM_DETAILS.invalidIdentifier(parsed.error.detail), {}, { identifier_error: parsed.error.code });
  await charge(1);
  const result = (await lookupCsis(db, [parsed.csi.uri], now)).get(parsed.csi.uri)!;
  return jsonAnswer(serializeLookup(result));
});
