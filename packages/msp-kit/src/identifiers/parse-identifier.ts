import type { Csi } from "./csi.ts";
import { normalizeEmail } from "./normalize-email.ts";
import { normalizePhone, type NormalizePhoneOptions } from "./normalize-phone.ts";

/** Reads either kind of identifier from one text field: an @ or `mailto:` means email, anything else a number. */
export function parseIdentifier(input: string, options: NormalizePhoneOptions = {}): Csi {
  const looksLikeEmail = /@|^\s*mailto:/iu.test(input.normalize("NFKC")); // NFKC as the normalisers do: full-width ＠ is an @
  return looksLikeEmail ? normalizeEmail(input) : normalizePhone(input, options);
}

/** A form of the identifier safe to show on a screen that someone else might see. */
export function maskIdentifier(csi: Csi): string {
  if (csi.kind === "mailto") {
    const [local = "", domain = ""] = csi.address.split("@");
    return `${local.slice(0, 1)}•••@${domain}`;
  }
  return `${csi.e164.slice(0, 3)}•••••${csi.e164.slice(-2)}`;
}
