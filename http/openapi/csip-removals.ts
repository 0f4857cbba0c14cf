import { csipRemovalRequestSchema, csipRemovalResponseSchema, MAX_REMOVAL_ITEMS } from "@mimi-discovery/msp-kit";
import { z } from "zod";
import type { ZodOpenApiOperationObject, ZodOpenApiResponseObject } from "zod-openapi";
import { CSIP_REMOVAL_MAX_BYTES } from "@/http/body-limits";
import { curlPost } from "@/http/openapi/code-samples";
import { REMOVAL_REQUEST, removalExamples } from "@/http/openapi/examples";
import { headerRefs } from "@/http/openapi/headers";
import { accessProblems, failureProblems, jsonBodyProblems, schemaProblem } from "@/http/openapi/problem-examples";
import { problemResponses, type ProblemExample } from "@/http/openapi/problems";
import { CSIP_SECURITY } from "@/http/openapi/security";
import type { DocumentOptions } from "@/http/openapi/types";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { IDEMPOTENCY_KEY_PATTERN } from "@/lib/removals/idempotency";

/** POST /api/v1/csip/removals (app/api/v1/csip/removals/route.ts, protocol section 5). */
export const CSIP_REMOVALS_PATH = "/api/v1/csip/removals";

const IDEMPOTENCY_KEY = "2026-11-22-batch-17";

// The header as readIdempotencyKey checks it, with the very pattern it uses.
const requestHeaders = z.object({
  "Idempotency-Key": z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN)
    .optional()
    .meta({
      description:
        "Any 1 to 255 visible ASCII characters the CSIP chooses, one per distinct request. Sending the same key again replays the first answer, with Idempotent-Replayed: true, and does nothing again; the same key with another body is 409.",
      param: { example: IDEMPOTENCY_KEY },
    }),
});

function problems(): ProblemExample[] {
  return [
    ...accessProblems("csip"),
    { name: "bad_idempotency_key", summary: "the Idempotency-Key header is not 1 to 255 visible ASCII characters", error: new ApiError("malformed_request", PROBLEM_DETAILS.invalidIdempotencyKey) },
    ...jsonBodyProblems(CSIP_REMOVAL_MAX_BYTES),
    schemaProblem("unknown_reason", "an item's reason is not one the protocol knows", csipRemovalRequestSchema, { items: [{ csi: "+1 408 555 1212", reason: "gone" }] }),
    { name: "idempotency_key_reused", summary: "the Idempotency-Key was first used with another body", error: new ApiError("conflict", PROBLEM_DETAILS.reusedIdempotencyKey) },
    ...failureProblems(),
  ];
}

/** Any answer with a CsipRemovalResponse may be a replay of the first answer to its Idempotency-Key. */
const answer = (description: string, examples: Record<string, { summary: string; value: unknown }>): ZodOpenApiResponseObject => ({
  description,
  headers: headerRefs("Idempotent-Replayed"),
  content: { "application/json": { schema: csipRemovalResponseSchema, examples } },
});

/**
 * 403 and 422 are also the status of a request of which no item applied: that answer is a CsipRemovalResponse
 * (application/json), not a problem document, and says item by item why. The two share the status, so the
 * response carries both media types.
 */
function withNoneApplied(problem: ZodOpenApiResponseObject | undefined, noneApplied: ZodOpenApiResponseObject): ZodOpenApiResponseObject {
  if (!problem) return noneApplied;
  return {
    ...problem,
    description: `${noneApplied.description}\n\n${problem.description}`,
    headers: { ...noneApplied.headers, ...problem.headers },
    content: { ...noneApplied.content, ...problem.content },
  };
}

export function csipRemovalsOperation({ origin }: DocumentOptions): ZodOpenApiOperationObject {
  const examples = removalExamples();
  const refusals = problemResponses(origin, problems());
  return {
    operationId: "csipRemovals",
    summary: "Remove the mappings of identifiers a CSIP released, reassigned or ported out",
    description: `For cross-service identifier providers (telcos, email providers). Each of at most ${MAX_REMOVAL_ITEMS} items names an identifier and a reason: \`released\` and \`reassigned\` remove every mapping of the identifier and take it off its holder's account until it is proven again; \`ported_out\` moves authority to the receiving CSIP (\`receiving_csip\`, when known) and withdraws only the mappings that list an MSP the donating CSIP operates; \`other\` removes every mapping. Every removed mapping leaves a DP-signed tombstone.\n\nA CSIP may act only inside the number ranges and email domains the operator approved for it (after a port, the receiving CSIP's): any other item is refused with 403 in its own result and changes nothing. An invalid item is 422 in its result. The answer is 200 when every item applied, 207 when some were refused, and 403 or 422 when none applied, each with a CsipRemovalResponse. The whole request is one transaction.\n\nSend an \`Idempotency-Key\` to retry safely: the same key replays the first answer (\`Idempotent-Replayed: true\`); the same key with another body is 409. A body over ${CSIP_REMOVAL_MAX_BYTES} bytes is 413; a Content-Type other than application/json is 415; unknown fields are refused (422).`,
    tags: ["CSIP removals"],
    security: CSIP_SECURITY,
    requestParams: { header: requestHeaders },
    requestBody: {
      required: true,
      content: { "application/json": { schema: csipRemovalRequestSchema, examples: { example: { summary: "A request", value: REMOVAL_REQUEST } } } },
    },
    responses: {
      "200": answer("Every item was applied.", { all_applied: { summary: "A release and a port, both applied", value: examples.allApplied } }),
      "207": answer("Some items were applied and some refused; each result says which, with its own status.", {
        some_refused: { summary: "Two items applied, one outside the CSIP's authority (403), one invalid (422)", value: examples.someRefused },
      }),
      ...refusals,
      "403": withNoneApplied(
        refusals["403"],
        answer("No item applied, and at least one was outside the CSIP's authority: a CsipRemovalResponse (application/json), not a problem document.", {
          none_in_authority: { summary: "No item applied: outside the CSIP's authority", value: examples.noneInAuthority },
        }),
      ),
      "422": withNoneApplied(
        refusals["422"],
        answer("No item applied, and every one was invalid: a CsipRemovalResponse (application/json), not a problem document.", {
          none_valid: { summary: "No item applied: every item invalid", value: examples.noneValid },
        }),
      ),
    },
    "x-codeSamples": curlPost(origin, CSIP_REMOVALS_PATH, REMOVAL_REQUEST, { keyVariable: "CSIP_API_KEY", headers: { "Idempotency-Key": IDEMPOTENCY_KEY } }),
  };
}
