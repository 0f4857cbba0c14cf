import { z } from "zod";
import { canonicalize, isBase64urlOfLength, isUuid, MSP_ID_PATTERN } from "@mimi-discovery/msp-kit";
import { MAPPING_LIMITS } from "./limits";

const noControl = (value: string) => !/[\u0000-\u001F\u007F]/u.test(value);
const mspId = z
  .string()
  .max(253)
  .regex(MSP_ID_PATTERN, "is not an MSP id (a domain name)");
const tag = z
  .string()
  .trim()
  .min(1, "Tags cannot be empty.")
  .max(MAPPING_LIMITS.tagMaxLength, `Tags have at most ${MAPPING_LIMITS.tagMaxLength} characters.`)
  .refine(noControl, "Tags cannot contain line breaks or control characters.");
const uniqueCaseless = (values: string[]) => new Set(values.map((value) => value.toLowerCase())).size === values.length;

const audience = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }).strict(),
  z
    .object({
      kind: z.literal("sender_msps"),
      msps: z.array(mspId).min(1, "Choose at least one sender MSP.").max(MAPPING_LIMITS.maxAudienceMsps),
    })
    .strict()
    .refine((value) => new Set(value.msps).size === value.msps.length, "An MSP is listed twice."),
  z.object({ kind: z.literal("same_msp") }).strict(),
  z
    .object({
      kind: z.literal("context"),
      tags: z.array(tag).min(1, "Name at least one context, such as Business.").max(MAPPING_LIMITS.maxContextTags),
    })
    .strict()
    .refine((value) => uniqueCaseless(value.tags), "A context is listed twice."),
  z
    .object({
      kind: z.literal("senders"),
      // The verifier's own strict check: a draft that passes here cannot fail verification after signing.
      salt: z.string().refine((value) => isBase64urlOfLength(value, 16), "must be 16 random bytes in base64url"),
      selectors: z
        .array(z.string().refine((value) => isBase64urlOfLength(value, 32), "is not a sender fingerprint"))
        .min(1, "Add at least one sender.")
        .max(MAPPING_LIMITS.maxSelectors, `At most ${MAPPING_LIMITS.maxSelectors} senders per entry.`),
    })
    .strict()
    .refine((value) => new Set(value.selectors).size === value.selectors.length, "A sender is listed twice."),
]);

const entry = z
  .object({
    msp: mspId,
    tags: z
      .array(tag)
      .max(MAPPING_LIMITS.maxTagsPerEntry, `At most ${MAPPING_LIMITS.maxTagsPerEntry} tags per entry.`)
      .refine(uniqueCaseless, "A tag is listed twice."),
    audience,
  })
  .strict();

/**
 * What the mapping editor sends: the entries in order of preference (priority = position), everything else the
 * server decides (dp, csi, seq, timestamps). Unknown fields are refused, not ignored.
 */
export const mappingDraftSchema = z
  .object({
    identifierId: z.string().refine(isUuid, "Choose one of your identifiers."),
    label: z
      .string()
      .trim()
      .min(1, "Give the mapping a label, such as Personal or Work.")
      .max(MAPPING_LIMITS.labelMaxLength, `Labels have at most ${MAPPING_LIMITS.labelMaxLength} characters.`)
      .refine(noControl, "Labels cannot contain line breaks or control characters."),
    fresh: z.boolean(),
    entries: z.array(entry).max(MAPPING_LIMITS.maxEntries, `At most ${MAPPING_LIMITS.maxEntries} entries.`),
  })
  .strict()
  .superRefine((draft, ctx) => {
    const seen = new Set<string>();
    draft.entries.forEach((item, index) => {
      const key = canonicalize({ msp: item.msp, audience: item.audience });
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["entries", index], message: "This entry repeats another: same MSP, same audience." });
      }
      seen.add(key);
    });
  });

export type MappingDraft = z.output<typeof mappingDraftSchema>;
