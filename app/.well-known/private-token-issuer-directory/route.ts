import { getEnv } from "@/env";
import { getDb } from "@/db/index";
import { getSealingKey } from "@/http/private-services";
import { ApiError, problemResponse } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { now } from "@/lib/clock";
import { issuerDirectory } from "@/lib/private/issuer-directory";
import { ISSUER_DIRECTORY_MEDIA_TYPE } from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

/** The Privacy Pass issuer directory (RFC 9578 section 4): the token request URL and every key still redeemed. */
export async function GET() {
  const origin = getEnv().publicOrigin;
  try {
    return new Response(JSON.stringify(await issuerDirectory(getDb(), getSealingKey(), origin, now())), {
      headers: { "content-type": ISSUER_DIRECTORY_MEDIA_TYPE, "cache-control": "public, max-age=86400", "access-control-allow-origin": "*" },
    });
  } catch {
    return problemResponse(origin, new ApiError("service_unavailable", PROBLEM_DETAILS.databaseUnreachable, { "retry-after": "5" }));
  }
}
