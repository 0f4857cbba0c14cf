import { getEnv } from "@/env";
import { ApiError, problemResponse } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { getDb } from "@/db/index";
import { publishedJwks } from "@/lib/keys/signing-keys";
import { now } from "@/lib/clock";

export const dynamic = "force-dynamic";

/** Public keys only: each row's public JWK, never the sealed private part. */
export async function GET() {
  try {
    return Response.json(await publishedJwks(getDb(), now()), {
      headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*", "content-type": "application/jwk-set+json" },
    });
  } catch {
    return problemResponse(getEnv().publicOrigin, new ApiError("service_unavailable", PROBLEM_DETAILS.databaseUnreachable, { "retry-after": "5" }));
  }
}
