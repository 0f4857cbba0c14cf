import { getEnv } from "@/env";
import { buildOpenApiDocument } from "@/http/openapi";

export const dynamic = "force-dynamic";

/** The API's OpenAPI 3.1 document, public like the metadata it describes. */
export function GET() {
  const { publicOrigin, maxBatch } = getEnv();
  return Response.json(buildOpenApiDocument({ origin: publicOrigin, maxBatch }), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });
}
