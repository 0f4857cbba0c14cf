import type { Csi } from "./csi.ts";
import { IdentifierError } from "./identifier-error.ts";
import { parseIdentifier } from "./parse-identifier.ts";

/** Why one identifier of a machine request was refused: the error a batch slot carries (protocol section 4). */
export type CsiInputError = { code: string; title: string; detail: string };

export type ParsedCsiInput = { ok: true; csi: Csi } | { ok: false; error: CsiInputError };

/**
 * One identifier as machines send it, in a batch slot or an API body: no default region, since machines send
 * numbers with their country code. Anything but a string is refused in its slot, never thrown.
 */
export function parseCsiInput(input: unknown): ParsedCsiInput {
  if (typeof input !== "string") {
    return { ok: false, error: { code: "invalid_type", title: "Invalid identifier", detail: "An identifier is a string." } };
  }
  try {
    return { ok: true, csi: parseIdentifier(input) };
  } catch (error) {
    if (!(error instanceof IdentifierError)) throw error;
    return { ok: false, error: { code: error.code, title: "Invalid identifier", detail: error.message } };
  }
}
