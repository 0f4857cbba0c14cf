import type { z } from "zod";
import type { MappingDocument } from "../wire/index.ts";
import { mappingDocumentSchema } from "../wire/mapping.ts";
import type { CheckResult } from "./types.ts";

const MAX_REPORTED_ISSUES = 5;

export function checkDocument(document: unknown): { result: CheckResult; document?: MappingDocument } {
  const parsed = mappingDocumentSchema.safeParse(document);
  if (!parsed.success) {
    return { result: { id: "document", ok: false, detail: `The document is not a valid version 1 mapping: ${describeIssues(parsed.error)}.` } };
  }
  const { csi, seq, entries } = parsed.data;
  const listing = entries.length === 0 ? "no MSP (an opt-out)" : `${entries.length} ${entries.length === 1 ? "entry" : "entries"}`;
  return {
    result: { id: "document", ok: true, detail: `The document is a well-formed version 1 mapping of ${csi} (seq ${seq}) listing ${listing}.` },
    document: parsed.data,
  };
}

function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const path = issue.path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), "");
    // Stryker disable next-line Regex: equivalent, zod puts "Invalid input: " only at the start of a message.
    const message = issue.message.replace(/^Invalid input: /u, "");
    return `${path || "the document"}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  });
  const more = error.issues.length - MAX_REPORTED_ISSUES;
  return more > 0 ? `${issues.join("; ")}; and ${more} more` : issues.join("; ");
}
