import { isIPv4, isIPv6 } from "node:net";

/**
 * Which client a per-IP limit counts: an IPv4 address on its own, an IPv6 address by its /64. One IPv6 subscriber
 * gets a whole /64 (RFC 6177 recommends at least that per site; RFC 4291's interface identifiers are the low 64
 * bits and can be chosen freely), so counting single IPv6 addresses would let one client rotate past any limit.
 * IPv4-mapped IPv6 addresses count as their IPv4 address. Anything else (no address known) counts as itself.
 */
export function clientNetwork(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/iu.exec(address)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(address)) return address;
  const plain = address.replace(/%.*$/u, ""); // a zone id (fe80::1%eth0) names an interface, not a client
  if (!isIPv6(plain)) return address;
  return `${expandIpv6(plain).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, each as four lower-case hex digits. */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  const embedded = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/u.exec(text);
  if (embedded) {
    const [a, b, c, d] = embedded.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, embedded.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const middle = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => "0");
  return [...left, ...middle, ...right].map((group) => group.padStart(4, "0"));
}
