import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { now } from "@/lib/clock";
import { dpMetadata } from "@/lib/mappings/dp-metadata";
import { publishedOprfKeys } from "@/lib/private/published-oprf-keys";

export const dynamic = "force-dynamic";

export async function GET() {
  const env = getEnv();
  return Response.json(dpMetadata(env.publicOrigin, env.maxBatch, await publishedOprfKeys(getDb(), now())), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });
}
