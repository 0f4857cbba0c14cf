import { getEnv } from "@/env";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { SINGLE_LOOKUP_MAX_BYTES } from "@/http/body-limits";
import { parseCsiInput, lookupRequestSchema } from "@mimi-discovery/msp-kit";
import { readJsonBody } from "@/http/read-json-body";
import { jsonAnswer, withApiKey } from "@/http/with-api-key";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { lookupAcrossDps, serializeMerged } from "@/lib/federation/lookup-across-dps";

export const dynamic = "force-dynamic";

/** One identifier: every active, verifiable mapping of it (protocol section 4), here or at its own DP. Costs one token. */
export const POST = withApiKey("msp", "lookup", async ({ request, db, now, charge }) => {
  const env = getEnv();
  const input = lookupRequestSchema.parse(await readJsonBody(request, SINGLE_LOOKUP_MAX_BYTES));
  const parsed = parseCsiInput(input.csi);
  if (!parsed.ok) throw new ApiError("invalid_value", PROBLEM_DETAILS.invalidIdentifier(parsed.error.detail), {}, { identifier_error: parsed.error.code });
  await charge(1);
  const { results, report } = await lookupAcrossDps({ db, csis: [parsed.csi.uri], now, federation: env.federation, origin: env.publicOrigin, sealingKey: deriveAppKeys(env.authSecret).sealing, hops: 0 });
  const result = serializeMerged(results.get(parsed.csi.uri)!);
  return jsonAnswer(report ? `${result.slice(0, -1)},"federation":${JSON.stringify(report)}}` : result);
});
