import { jwksSchema } from "@mimi-discovery/msp-kit";
import type { ZodOpenApiOperationObject } from "zod-openapi";
import { curlGet } from "@/http/openapi/code-samples";
import { EXAMPLE_JWKS } from "@/http/openapi/examples";
import { problemResponses } from "@/http/openapi/problems";
import { NO_SECURITY } from "@/http/openapi/security";
import type { DocumentOptions } from "@/http/openapi/types";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";

/** GET /.well-known/jwks.json (app/.well-known/jwks.json/route.ts). */
export const JWKS_PATH = "/.well-known/jwks.json";

export function jwksOperation({ origin }: DocumentOptions): ZodOpenApiOperationObject {
  return {
    operationId: "jwks",
    summary: "The DP's public keys",
    description:
      "The keys that verify the `binding` of every served mapping. A rotated-out key stays published until the last binding it signed expires. Public; served as application/jwk-set+json and cacheable for 5 minutes.",
    tags: ["Discovery"],
    security: NO_SECURITY,
    responses: {
      "200": {
        description: "The key set.",
        content: {
          "application/jwk-set+json": {
            schema: jwksSchema,
            examples: { keys: { summary: "One active key", description: "Illustrative values.", value: EXAMPLE_JWKS } },
          },
        },
      },
      // The keys are read from the database, with no API-key door in front: its one failure is the database's.
      ...problemResponses(origin, [
        { name: "database_down", summary: "the database is down", error: new ApiError("service_unavailable", PROBLEM_DETAILS.databaseUnreachable) },
      ]),
    },
    "x-codeSamples": curlGet(origin, JWKS_PATH),
  };
}
