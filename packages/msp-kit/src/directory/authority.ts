import type { Directory, DirectoryDp } from "./directory-schema.ts";

/**
 * The DP of the directory authoritative for a CSI URI (hierarchical discovery): for tel: the DP with the longest
 * E.164 prefix of the number, for mailto: the DP that lists the address's domain. Undefined when none claims it.
 */
export function authoritativeDp(directory: Pick<Directory, "dps">, csi: string): DirectoryDp | undefined {
  if (csi.startsWith("tel:")) {
    const number = csi.slice(4);
    let best: { dp: DirectoryDp; length: number } | undefined;
    for (const dp of directory.dps) {
      for (const prefix of dp.authoritative_for.e164_prefixes) {
        if (number.startsWith(prefix) && prefix.length > (best?.length ?? 0)) best = { dp, length: prefix.length };
      }
    }
    return best?.dp;
  }
  if (csi.startsWith("mailto:")) {
    const domain = csi.slice(csi.lastIndexOf("@") + 1);
    return directory.dps.find((dp) => dp.authoritative_for.email_domains.includes(domain));
  }
  return undefined;
}

/** True when `claims` (prefixes and domains, as a directory lists them) covers the CSI URI. */
export function claimsCover(claims: DirectoryDp["authoritative_for"], csi: string): boolean {
  if (csi.startsWith("tel:")) return claims.e164_prefixes.some((prefix) => csi.slice(4).startsWith(prefix));
  if (csi.startsWith("mailto:")) return claims.email_domains.includes(csi.slice(csi.lastIndexOf("@") + 1));
  return false;
}

export function findDp(directory: Pick<Directory, "dps">, issuer: string): DirectoryDp | undefined {
  return directory.dps.find((dp) => dp.issuer === issuer);
}
