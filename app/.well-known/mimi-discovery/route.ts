import { getEnv } from "@/env";
import { dpMetadata } from "@/lib/mappings/dp-metadata";

export const dynamic = "force-dynamic";

export function GET() {
  const env = getEnv();
  return Response.json(dpMetadata(env.publicOrigin, env.maxBatch), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });
}
