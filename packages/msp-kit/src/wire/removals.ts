import { z } from "zod";

/**
 * Protocol section 5: a CSIP's removals of identifiers it released, reassigned or ported out. Each item is judged
 * on its own; an invalid identifier is reported in its result, never fails the request.
 */
export const CSIP_REMOVAL_REASONS = ["released", "reassigned", "ported_out", "other"] as const;
export type CsipRemovalReason = (typeof CSIP_REMOVAL_REASONS)[number];

export const MAX_REMOVAL_ITEMS = 1000;

export const csipRemovalRequestSchema = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          csi: z.unknown().describe("The identifier: tel:+E164, +E164, an email address or mailto:"),
          reason: z
            .enum(CSIP_REMOVAL_REASONS)
            .describe("released or reassigned: the identifier left its holder; ported_out: the number moved to another CSIP; other: any other reason"),
          receiving_csip: z.string().max(64).optional().describe("For ported_out: the receiving CSIP's id at this DP, when known"),
        }),
      )
      .min(1, "Send at least one item.")
      .max(MAX_REMOVAL_ITEMS, `At most ${MAX_REMOVAL_ITEMS} items per request.`)
      .describe(`The identifiers to act on, at most ${MAX_REMOVAL_ITEMS}; each gets its own result, in this order`),
  })
  .meta({ id: "CsipRemovalRequest", description: "Removals a CSIP asks for, one item per identifier" });

const appliedItemSchema = z.strictObject({
  index: z.number().int().min(0).describe("The item's position in the request"),
  csi: z.string().describe("The identifier in its normalised URI form"),
  status: z.literal(200).describe("The item was applied"),
  outcome: z
    .enum(["removed", "nothing_to_remove", "ported"])
    .describe("removed: its mappings were removed; nothing_to_remove: it had none; ported: the port was recorded"),
  removed: z.number().int().min(0).describe("How many mappings this item removed (each leaves a signed tombstone)"),
});

const refusedItemSchema = z.strictObject({
  index: z.number().int().min(0).describe("The item's position in the request"),
  input: z.unknown().describe("The item's csi exactly as it was sent"),
  status: z.union([z.literal(403), z.literal(422)]).describe("403: outside the CSIP's approved ranges and domains; 422: the item is invalid"),
  error: z
    .strictObject({
      code: z.string().describe("outside_authority, duplicate_item, invalid_value, or why the identifier was refused (as in IdentifierError)"),
      detail: z.string().describe("Written for the person who reads the result"),
    })
    .describe("Why the item changed nothing"),
});

export const csipRemovalItemResultSchema = z
  .union([appliedItemSchema, refusedItemSchema])
  .meta({ id: "CsipRemovalItemResult", description: "One item's result: applied (200), or refused and unchanged (403, 422)" });

export const csipRemovalResponseSchema = z
  .strictObject({
    results: z.array(csipRemovalItemResultSchema).describe("One result per item, in request order"),
    summary: z
      .strictObject({
        items: z.number().int().min(0).describe("How many items the request carried"),
        applied: z.number().int().min(0).describe("How many were applied (status 200)"),
        refused: z.number().int().min(0).describe("How many were refused and changed nothing (status 403 or 422)"),
      })
      .describe("The results counted"),
  })
  .meta({
    id: "CsipRemovalResponse",
    description: "The answer: 200 when every item applied, 207 when some were refused, 403 or 422 when none applied",
  });

export type CsipRemovalRequest = z.input<typeof csipRemovalRequestSchema>;
export type CsipRemovalItemResult = z.output<typeof csipRemovalItemResultSchema>;
export type CsipRemovalResponse = z.output<typeof csipRemovalResponseSchema>;
