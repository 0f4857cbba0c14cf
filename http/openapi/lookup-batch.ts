import { batchLookupRequestSchema, batchLookupResponseSchema } from "@mimi-discovery/msp-kit";
import type { ZodOpenApiOperationObject } from "zod-openapi";
import { batchLookupMaxBytes } from "@/http/body-limits";
import { curlPost } from "@/http/openapi/code-samples";
import { costAboveBurstExample, ILLUSTRATIVE, INVALID_IDENTIFIER, LIMIT_SPENT_EXAMPLE, lookupExamples } from "@/http/openapi/examples";
import { headerRefs, RATE_LIMIT_HEADERS } from "@/http/openapi/headers";
import { accessProblems, failureProblems, jsonBodyProblems, schemaProblem } from "@/http/openapi/problem-examples";
import { problemResponses, type ProblemExample } from "@/http/openapi/problems";
import { MSP_SECURITY } from "@/http/openapi/security";
import type { DocumentOptions } from "@/http/openapi/types";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";

/** POST /api/v1/lookup/batch (app/api/v1/lookup/batch/route.ts): an address book. */
export const LOOKUP_BATCH_PATH = "/api/v1/lookup/batch";

/** A found number, an unknown address, an invalid number and the first number again in another form. */
const REQUEST = { csis: ["+1 (408) 555-1212", "alice@example.org", INVALID_IDENTIFIER, "tel:+14085551212"] };

function rateLimitProblems(maxBatch: number): ProblemExample[] {
  const oversized = costAboveBurstExample(maxBatch);
  return [
    {
      name: "limit_spent",
      summary: "the MSP's lookup budget is spent",
      error: new ApiError("rate_limited", PROBLEM_DETAILS.lookupLimitSpent(LIMIT_SPENT_EXAMPLE.retryAfterSeconds)),
    },
    ...(oversized
      ? [
          {
            name: "cost_above_burst",
            summary: "the batch costs more than the MSP's whole bucket: waiting cannot help, split it",
            error: new ApiError("rate_limited", PROBLEM_DETAILS.costAboveBurst(oversized.cost, oversized.burst)),
          },
        ]
      : []),
  ];
}

function problems(maxBatch: number): ProblemExample[] {
  return [
    ...accessProblems("msp"),
    ...jsonBodyProblems(batchLookupMaxBytes(maxBatch)),
    {
      name: "batch_too_large",
      summary: "the batch carries more than max_batch identifiers",
      error: new ApiError("batch_too_large", PROBLEM_DETAILS.batchTooLarge(maxBatch, maxBatch + 1), {}, { max_batch: maxBatch }),
    },
    // sender_msp belongs to the single lookup only: a batch has no one sender.
    schemaProblem("unknown_field", "the body has a member the schema does not know", batchLookupRequestSchema, { ...REQUEST, sender_msp: "chat.example" }),
    schemaProblem("empty_batch", "the batch carries no identifier", batchLookupRequestSchema, { csis: [] }),
    ...rateLimitProblems(maxBatch),
    ...failureProblems(),
  ];
}

export function lookupBatchOperation({ origin, maxBatch }: DocumentOptions): ZodOpenApiOperationObject {
  const examples = lookupExamples(origin);
  return {
    operationId: "lookupBatch",
    summary: "Look up many identifiers",
    description: `Looks up at most ${maxBatch} identifiers (max_batch, also published in the metadata) in one request. Results come back in request order, one per item sent. An invalid identifier, or an item that is not a string, yields \`{ input, error }\` in its slot and the rest of the batch is answered. Duplicate identifiers (after normalisation: \`+1 408 555 1212\` and \`tel:+14085551212\` are one) are answered in each slot but counted once. Costs one token per distinct valid identifier.\n\nMore than max_batch items is 413 with code batch_too_large. Unknown fields and an empty list are refused (422). A body over ${batchLookupMaxBytes(maxBatch)} bytes is 413; a Content-Type other than application/json is 415.`,
    tags: ["Lookup"],
    security: MSP_SECURITY,
    requestBody: {
      required: true,
      content: { "application/json": { schema: batchLookupRequestSchema, examples: { example: { summary: "A request", value: REQUEST } } } },
    },
    responses: {
      "200": {
        description: "One result per identifier sent, in request order.",
        headers: headerRefs(...RATE_LIMIT_HEADERS),
        content: {
          "application/json": {
            schema: batchLookupResponseSchema,
            examples: {
              mixed: {
                summary: "A found number, an unknown address, an invalid number and a repeat (this batch costs 2 tokens)",
                description: ILLUSTRATIVE,
                value: { results: [examples.found, examples.none, examples.errorSlot, examples.found] },
              },
            },
          },
        },
      },
      ...problemResponses(origin, problems(maxBatch)),
    },
    "x-codeSamples": curlPost(origin, LOOKUP_BATCH_PATH, REQUEST, { keyVariable: "MIMI_API_KEY" }),
  };
}
