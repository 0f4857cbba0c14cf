import { getEnv } from "@/env";
import { getDb } from "@/db/index";
import { ApiError, problemResponse } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { now } from "@/lib/clock";
import { publishedKeyConfigs } from "@/lib/private/ohttp-keys";
import { OHTTP_KEYS_MEDIA_TYPE } from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

/**
 * The gateway's key configurations (RFC 9458 section 3.2; RFC 9540's well-known name): the active key first, then
 * retired keys still in their grace period. Cacheable for a day, which the grace period outlasts.
 */
export async function GET() {
  try {
    return new Response(Buffer.from(await publishedKeyConfigs(getDb(), now())), {
      headers: { "content-type": OHTTP_KEYS_MEDIA_TYPE, "cache-control": "public, max-age=86400", "access-control-allow-origin": "*" },
    });
  } catch {
    return problemResponse(getEnv().publicOrigin, new ApiError("service_unavailable", PROBLEM_DETAILS.databaseUnreachable, { "retry-after": "5" }));
  }
}
