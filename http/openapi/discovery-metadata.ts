import { dpMetadataSchema } from "@mimi-discovery/msp-kit";
import type { ZodOpenApiOperationObject } from "zod-openapi";
import { curlGet } from "@/http/openapi/code-samples";
import { NO_SECURITY } from "@/http/openapi/security";
import type { DocumentOptions } from "@/http/openapi/types";
import { dpMetadata } from "@/lib/mappings/dp-metadata";

/** An illustration: the served document lists this DP's own keys. */
const EXAMPLE_OPRF_KEYS = [{ epoch: 1, state: "active" as const, public_key: "yAPizGsF_BUGRUm1kgZZykp3ssym8E9rNXAJM1R2rU4", bucket_bits: 17 }];

/** GET /.well-known/mimi-discovery (app/.well-known/mimi-discovery/route.ts, protocol section 3). */
export const DISCOVERY_METADATA_PATH = "/.well-known/mimi-discovery";

export function discoveryMetadataOperation({ origin, maxBatch }: DocumentOptions): ZodOpenApiOperationObject {
  return {
    operationId: "discoveryMetadata",
    summary: "Discovery metadata",
    description:
      "Where this DP's endpoints and keys are, its max_batch, and the issuer and rp_id that a verifier checks mappings against. Public; cacheable for 5 minutes.",
    tags: ["Discovery"],
    security: NO_SECURITY,
    responses: {
      "200": {
        description: "The metadata.",
        // The route's own function, so the example is this DP's metadata.
        content: { "application/json": { schema: dpMetadataSchema, examples: { metadata: { summary: "This DP's metadata", value: dpMetadata(origin, maxBatch, EXAMPLE_OPRF_KEYS) } } } },
      },
    },
    "x-codeSamples": curlGet(origin, DISCOVERY_METADATA_PATH),
  };
}
