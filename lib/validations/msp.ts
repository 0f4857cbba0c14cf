import { MSP_ID_PATTERN } from "@mimi-discovery/msp-kit";
import { z } from "zod";

const noControl = (value: string) => !/[\u0000-\u001F\u007F]/u.test(value);

export const mspInputSchema = z.object({
  id: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .regex(MSP_ID_PATTERN, "Use the MSP's domain name, such as chat.example."),
  displayName: z.string().trim().min(1, "Give the MSP a display name.").max(80, "At most 80 characters.").refine(noControl, "No line breaks."),
  contact: z
    .string()
    .trim()
    .max(254)
    .refine(noControl, "No line breaks.")
    .transform((value) => value || undefined)
    .optional(),
});

export const mspLimitsSchema = z.object({
  lookupBurst: z.coerce.number().int("A whole number.").min(1, "At least 1.").max(1_000_000, "At most 1,000,000."),
  lookupRefillPerSecond: z.coerce.number().min(0.001, "At least 0.001 per second.").max(100_000, "At most 100,000 per second."),
});

export const apiKeyLabelSchema = z.string().trim().min(1, "Name the key, such as “production 2026”.").max(60).refine(noControl, "No line breaks.");

export type MspInput = z.output<typeof mspInputSchema>;
export type MspLimitsInput = z.output<typeof mspLimitsSchema>;
