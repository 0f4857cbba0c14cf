import { getEnv } from "@/env";
import { ApiError, problemResponse } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { now } from "@/lib/clock";
import { loadPublishedDirectory } from "@/lib/federation/load-directory";
import { DirectoryError } from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

/**
 * The signed directory this DP publishes (protocol section 8), as the compact JWS the operator signed. It is checked
 * before it is served, so an expired or wrongly signed file is a clear 503, never passed on.
 */
export async function GET() {
  const env = getEnv();
  try {
    const published = await loadPublishedDirectory(env.federation, now());
    if (!published) return problemResponse(env.publicOrigin, new ApiError("not_found", PROBLEM_DETAILS.noDirectoryPublished));
    const maxAge = Math.max(0, Math.min(300, published.directory.exp - Math.floor(now().getTime() / 1000)));
    return new Response(published.jws, { headers: { "content-type": "application/jose", "cache-control": `public, max-age=${maxAge}`, "access-control-allow-origin": "*" } });
  } catch (error) {
    if (error instanceof DirectoryError) return problemResponse(env.publicOrigin, new ApiError("service_unavailable", PROBLEM_DETAILS.directoryUntrusted(error.message), { "retry-after": "60" }));
    throw error;
  }
}
