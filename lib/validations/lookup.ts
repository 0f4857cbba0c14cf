import { z } from "zod";

const mspId = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/u, "must be an MSP id (a lower-case domain name)");

/**
 * Protocol section 4. Nothing here identifies the sender person: `sender_msp` and `context` describe the
 * sender's service and declared context only, and the DP neither logs nor stores them.
 */
export const lookupRequestSchema = z
  .object({
    csi: z.string().min(1).max(512).describe("The identifier to look up: tel:+E164, +E164, an email address or mailto:"),
    sender_msp: mspId.optional().describe("The querying sender's MSP id; accepted for resolution by the caller, unused by the DP"),
    context: z.string().min(1).max(64).optional().describe("A context the sender declares, such as Business"),
  })
  .strict();

export const batchLookupRequestSchema = z
  .object({
    csis: z
      .array(z.unknown())
      .min(1, "Send at least one identifier.")
      .describe("Identifiers to look up, at most max_batch (from the metadata); results come back in this order"),
  })
  .strict();

export type LookupRequest = z.output<typeof lookupRequestSchema>;
