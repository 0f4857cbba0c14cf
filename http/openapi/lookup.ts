import { lookupRequestSchema, lookupResultSchema } from "@mimi-discovery/msp-kit";
import type { ZodOpenApiOperationObject } from "zod-openapi";
import { SINGLE_LOOKUP_MAX_BYTES } from "@/http/body-limits";
import { curlPost } from "@/http/openapi/code-samples";
import { ILLUSTRATIVE, INVALID_IDENTIFIER, LIMIT_SPENT_EXAMPLE, lookupExamples, refused } from "@/http/openapi/examples";
import { headerRefs, RATE_LIMIT_HEADERS } from "@/http/openapi/headers";
import { accessProblems, failureProblems, jsonBodyProblems, schemaProblem } from "@/http/openapi/problem-examples";
import { problemResponses, type ProblemExample } from "@/http/openapi/problems";
import { MSP_SECURITY } from "@/http/openapi/security";
import type { DocumentOptions } from "@/http/openapi/types";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";

/** POST /api/v1/lookup (app/api/v1/lookup/route.ts): one identifier. */
export const LOOKUP_PATH = "/api/v1/lookup";

const REQUEST = { csi: "+1 (408) 555-1212" };

/** The route refuses an invalid identifier itself, after the schema, naming why in identifier_error. */
function invalidIdentifier(): ProblemExample {
  const { error } = refused(INVALID_IDENTIFIER);
  return {
    name: "invalid_identifier",
    summary: "the identifier is not a phone number or email address the DP can look up",
    error: new ApiError("invalid_value", PROBLEM_DETAILS.invalidIdentifier(error.detail), {}, { identifier_error: error.code }),
  };
}

function problems(): ProblemExample[] {
  return [
    ...accessProblems("msp"),
    ...jsonBodyProblems(SINGLE_LOOKUP_MAX_BYTES),
    schemaProblem("unknown_field", "the body has a member the schema does not know", lookupRequestSchema, { ...REQUEST, sender: "alice@example.org" }),
    invalidIdentifier(),
    {
      name: "limit_spent",
      summary: "the MSP's lookup budget is spent",
      error: new ApiError("rate_limited", PROBLEM_DETAILS.lookupLimitSpent(LIMIT_SPENT_EXAMPLE.retryAfterSeconds)),
    },
    ...failureProblems(),
  ];
}

export function lookupOperation({ origin }: DocumentOptions): ZodOpenApiOperationObject {
  const examples = lookupExamples(origin);
  return {
    operationId: "lookup",
    summary: "Look up one identifier",
    description: `Answers with every active mapping of one identifier, oldest first. Send the identifier loosely (\`+1 (408) 555-1212\`, \`Bob@Example.COM\`, \`tel:+14085551212\`, \`mailto:bob@example.com\`; numbers need their country code); the answer names it in its normalised URI form. An invalid identifier is 422 with \`identifier_error\`. Costs one token.\n\nUnknown fields are refused (422). A body over ${SINGLE_LOOKUP_MAX_BYTES} bytes is 413; a Content-Type other than application/json is 415.`,
    tags: ["Lookup"],
    security: MSP_SECURITY,
    requestBody: {
      required: true,
      content: { "application/json": { schema: lookupRequestSchema, examples: { example: { summary: "A request", value: REQUEST } } } },
    },
    responses: {
      "200": {
        description: "The identifier's mappings. Check each one's proof before you use it.",
        headers: headerRefs(...RATE_LIMIT_HEADERS),
        content: {
          "application/json": {
            schema: lookupResultSchema,
            examples: {
              found: { summary: "found: at least one mapping lists an MSP", description: ILLUSTRATIVE, value: examples.found },
              opted_out: { summary: "opted_out: mappings exist and all list no MSP", description: ILLUSTRATIVE, value: examples.optedOut },
              none: { summary: "none: no mapping exists", value: examples.none },
            },
          },
        },
      },
      ...problemResponses(origin, problems()),
    },
    "x-codeSamples": curlPost(origin, LOOKUP_PATH, REQUEST, { keyVariable: "MIMI_API_KEY" }),
  };
}
