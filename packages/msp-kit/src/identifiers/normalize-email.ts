import type { EmailCsi } from "./csi.ts";
import { IdentifierError } from "./identifier-error.ts";

const MAX_ADDRESS_OCTETS = 254;
const MAX_LOCAL_OCTETS = 64;
const MAX_INPUT_LENGTH = 512;
const CONTROL = /[\u0000-\u001F\u007F]/u;
// RFC 5322 dot-atom: the only local-part form accepted. Quoted strings and comments are refused, not stripped.
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/u;
const UTF8 = new TextEncoder();

/**
 * Turns a typed email address into its `mailto:` form. Anything that is not exactly one address is an error,
 * never shortened: the address a code goes to must be byte-identical to the one later marked verified.
 */

export function normalizeEmail(input: string): EmailCsi {
  if (input.length > MAX_INPUT_LENGTH) throw new IdentifierError("too_long", "That is too long to be an email address.");
  if (CONTROL.test(input)) {
    throw new IdentifierError("control_characters", "Line breaks and control characters are not allowed.");
  }
  let text = input.normalize("NFKC").trim();
  if (/^mailto:/iu.test(text)) text = text.slice(7).trimStart();
  if (text === "") throw new IdentifierError("empty", "Enter an email address.");
  if (/[<>]/u.test(text)) {
    throw new IdentifierError("display_name_not_allowed", "Enter the address only, without a name or angle brackets.");
  }
  if (/[()]/u.test(text)) throw new IdentifierError("comment_not_allowed", "Comments in parentheses are not allowed.");
  if (text.includes('"')) {
    throw new IdentifierError("quoted_local_part", "Quoted addresses are not accepted.");
  }
  const parts = text.split("@");
  if (parts.length !== 2) {
    throw new IdentifierError("not_one_at_sign", "An email address has exactly one @.");
  }
  const [local = "", domain = ""] = parts;
  if (!DOT_ATOM.test(local) || local.length > MAX_LOCAL_OCTETS) {
    throw new IdentifierError("invalid_local_part", "The part before the @ is not a valid address.");
  }
  const asciiDomain = toAsciiDomain(domain);
  const address = `${local.toLowerCase()}@${asciiDomain}`;
  if (UTF8.encode(address).length > MAX_ADDRESS_OCTETS) {
    throw new IdentifierError("too_long", "An email address has at most 254 characters.");
  }
  return { kind: "mailto", uri: `mailto:${address}`, address };
}

/** IDNA through the WHATWG URL parser, which Node and browsers share, then the stricter rules of a mail domain. */
function toAsciiDomain(domain: string): string {
  // Made only when thrown: an Error captures a stack trace, which cost a lookup server a tenth of its time when
  // every valid address made one.
  const invalid = () => new IdentifierError("invalid_domain", "The part after the @ is not a valid domain.");
  if (domain === "" || /[\s[\]/\\?#%:]/u.test(domain)) throw invalid();
  let hostname: string;
  try {
    hostname = new URL(`http://${domain}`).hostname;
  } catch {
    throw invalid();
  }
  const labels = hostname.split(".");
  if (labels.length < 2 || !labels.every((label) => DNS_LABEL.test(label))) throw invalid();
  // An all-numeric last label means the URL parser read an IP address, which is not a mail domain here.
  if (/^\d+$/u.test(labels.at(-1) ?? "")) throw invalid();
  return hostname;
}
