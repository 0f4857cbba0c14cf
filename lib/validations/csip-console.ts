import { z } from "zod";
import { identifierLockReasons } from "@/db/schema";
import { CSIP_REMOVAL_REASONS, IdentifierError, isUuid, parseIdentifier, type Csi, type CsipRemovalReason } from "@mimi-discovery/msp-kit";
import { apiKeyLabelSchema } from "./msp";
import { uuidField } from "./sign-in";

/** Every console form names the CSIP it acts for, so a page opened for one CSIP never acts on another. */
const csipIdField = z.string({ error: "Unknown CSIP." }).refine(isUuid, "Unknown CSIP.");

export const claimKinds = ["e164_prefix", "email_domain"] as const;

/** The value is normalised and checked against other claims by submitClaim, which explains each refusal. */
export const claimFormSchema = z.object({
  csipId: csipIdField,
  kind: z.enum(claimKinds, { error: "Choose what you claim: a number range or an email domain." }),
  value: z.string({ error: "Enter a number prefix or a domain." }).max(512, "That is too long."),
});

/**
 * An identifier typed by a CSIP admin, kept as typed (to show it back) and normalised. No default region, as in the
 * API and the CSV upload: a CSIP's numbers always carry their country code.
 */
const typedIdentifierField = z
  .string({ error: "Enter a phone number or an email address." })
  .max(512, "That is too long.")
  .transform((value, ctx): { input: string; csi: Csi } => {
    if (value.trim() === "") {
      ctx.addIssue({ code: "custom", message: "Enter a phone number (with + and the country code) or an email address." });
      return z.NEVER;
    }
    try {
      return { input: value, csi: parseIdentifier(value) };
    } catch (error) {
      if (!(error instanceof IdentifierError)) throw error;
      ctx.addIssue({ code: "custom", message: error.message });
      return z.NEVER;
    }
  });

/** ported_out is reported on the ports page, where the receiving CSIP is named. */
export const singleRemovalReasons = CSIP_REMOVAL_REASONS.filter((reason) => reason !== "ported_out") as [CsipRemovalReason, ...CsipRemovalReason[]];

export const removeOneSchema = z.object({
  csipId: csipIdField,
  csi: typedIdentifierField,
  reason: z.enum(singleRemovalReasons, { error: "Choose why the identifier is removed." }),
});

export const NO_RECEIVING_CSIP = "none";

export const portOutSchema = z.object({
  csipId: csipIdField,
  csi: typedIdentifierField.refine((value) => value.csi.kind === "tel", "Only phone numbers are ported; enter a number with + and the country code."),
  receivingCsip: z
    .string({ error: "Choose the receiving provider." })
    .refine((value) => value === NO_RECEIVING_CSIP || isUuid(value), "Choose the receiving provider from the list."),
});

export const issueCsipKeySchema = z.object({ csipId: csipIdField, label: apiKeyLabelSchema });

export const revokeCsipKeySchema = z.object({ csipId: csipIdField, keyId: uuidField });

export const lockIdentifierSchema = z.object({
  csipId: csipIdField,
  csi: typedIdentifierField,
  reason: z.enum(identifierLockReasons, { error: "Choose why you lock it." }),
});

export const liftLockSchema = z.object({ csipId: csipIdField, lockId: uuidField });
