import { serializeInnerList, type BareItem } from "structured-headers";

/** What a signature's components are read from: a request (method and URL) or a response (status), and fields. */
export type SignedMessage = {
  method?: string;
  url?: string;
  status?: number;
  /** Field names in lower case; a repeated field as its values joined by ", " (RFC 9421 section 2.1). */
  headers: Record<string, string | undefined>;
};

export type SignatureParameters = { created?: number; expires?: number; nonce?: string; alg?: string; keyid?: string; tag?: string };

// RFC 9421 section 2.3 serialises the parameters in the order they were given; ours is fixed.
const PARAMETER_ORDER = ["created", "expires", "nonce", "alg", "keyid", "tag"] as const;

/** The `@signature-params` value: the covered components as an inner list of strings, with the parameters. */
export function serializeSignatureParams(components: string[], parameters: SignatureParameters): string {
  const params = new Map<string, BareItem>();
  for (const name of PARAMETER_ORDER) {
    const value = parameters[name];
    if (value !== undefined) params.set(name, value);
  }
  return serializeInnerList([components.map((component) => [component, new Map()]), params]);
}

/** One component's value (RFC 9421 sections 2.1 and 2.2), or undefined when the message does not have it. */
export function componentValue(message: SignedMessage, component: string): string | undefined {
  if (!component.startsWith("@")) {
    const value = message.headers[component];
    return value === undefined ? undefined : value.trim().replace(/[ \t]*\r?\n[ \t]*/gu, " ");
  }
  if (component === "@status") return message.status === undefined ? undefined : String(message.status);
  if (component === "@method") return message.method?.toUpperCase();
  if (!message.url) return undefined;
  const url = new URL(message.url);
  switch (component) {
    case "@target-uri":
      return url.href;
    case "@authority":
      // URL drops a scheme's default port and lower-cases the host, as section 2.2.3 asks.
      return url.host;
    case "@scheme":
      return url.protocol.slice(0, -1);
    case "@path":
      return url.pathname === "" ? "/" : url.pathname;
    case "@query":
      return url.search === "" ? "?" : url.search;
    default:
      return undefined;
  }
}

/**
 * The signature base of RFC 9421 section 2.5: one line per covered component, `"name": value`, then the
 * `@signature-params` line. Throws when a covered component is missing from the message (the section says a
 * signer or verifier must not go on without it).
 */
export function signatureBase(message: SignedMessage, components: string[], signatureParams: string): string {
  const seen = new Set<string>();
  const lines = components.map((component) => {
    if (seen.has(component)) throw new Error(`the component ${component} is covered twice`);
    seen.add(component);
    if (component !== component.toLowerCase() || component === "@signature-params") throw new Error(`${component} cannot be covered`);
    const value = componentValue(message, component);
    if (value === undefined) throw new Error(`the message has no ${component}`);
    return `"${component}": ${value}`;
  });
  return [...lines, `"@signature-params": ${signatureParams}`].join("\n");
}
