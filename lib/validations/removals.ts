import { z } from "zod";

export const MAX_REMOVAL_ITEMS = 1000;

/** Protocol section 5. Each item is judged on its own; an invalid identifier is reported in its result. */
export const removalRequestSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            csi: z.unknown().describe("The identifier: tel:+E164, +E164, an email address or mailto:"),
            reason: z.enum(["released", "reassigned", "ported_out", "other"]),
            receiving_csip: z.string().max(64).optional().describe("For ported_out: the receiving CSIP's id, when known"),
          })
          .strict(),
      )
      .min(1, "Send at least one item.")
      .max(MAX_REMOVAL_ITEMS, `At most ${MAX_REMOVAL_ITEMS} items per request.`),
  })
  .strict();
