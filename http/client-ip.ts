import { BlockList, isIP } from "node:net";

/** The header the custom server sets on every request; any value a client sent under this name is replaced. */
export const CLIENT_IP_HEADER = "x-mimi-client-ip";

/** A list of addresses and CIDR ranges from a setting; a bad entry is an error that names the setting. */
export function createTrustedProxyList(entries: string[], setting = "TRUSTED_PROXIES"): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (!isIP(address)) throw new Error(`${setting}: "${entry}" is not an IP address or CIDR range`);
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function unmapped(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isTrusted(list: BlockList, address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: the socket's peer, unless that peer is a configured trusted proxy, in which case the
 * X-Forwarded-For chain is read from the right, skipping trusted proxies. A client-supplied X-Forwarded-For
 * without a trusted proxy in front is ignored, so it cannot reset per-IP limits.
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: BlockList,
): string {
  const peer = unmapped(socketAddress ?? "unknown");
  if (!isTrusted(trustedProxies, peer)) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((hop) => unmapped(hop.trim()))
    .filter(Boolean);
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const hop = chain[index]!;
    if (!isIP(hop)) return peer;
    if (!isTrusted(trustedProxies, hop)) return hop;
  }
  return peer;
}

/** Whether the connection itself (the socket's peer, never a header) comes from an address on `list`. */
export function peerIsListed(remoteAddress: string | undefined, list: BlockList): boolean {
  const peer = (remoteAddress ?? "").replace(/^::ffff:/u, "");
  return peer !== "" && list.check(peer, peer.includes(":") ? "ipv6" : "ipv4");
}
