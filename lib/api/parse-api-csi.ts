import { IdentifierError } from "../identifiers/identifier-error";
import { parseIdentifier } from "../identifiers/parse-identifier";
import type { Csi } from "../identifiers/csi";

export type ApiCsi = { ok: true; csi: Csi } | { ok: false; error: { code: string; title: string; detail: string } };

/** One identifier from an API body. No default region: machines send numbers with their country code. */
export function parseApiCsi(input: unknown): ApiCsi {
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
