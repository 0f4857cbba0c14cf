import type { FederationConfig } from "@/env";
import { authoritativeDp, type Directory } from "@mimi-discovery/msp-kit";

export type Residency = FederationConfig["residency"];

/** True when this DP may store mappings of the CSI: its E.164 prefixes or email domains cover it ("*" covers all). */
export function storesHere(residency: Residency, csi: string): boolean {
  if (csi.startsWith("tel:")) return residency.e164Prefixes === "*" || residency.e164Prefixes.some((prefix) => csi.slice(4).startsWith(prefix));
  if (csi.startsWith("mailto:")) return residency.emailDomains === "*" || residency.emailDomains.includes(csi.slice(csi.lastIndexOf("@") + 1));
  return false;
}

/** Where a recipient of another region should go: the DP the directory names for the CSI, when there is one. */
export function regionDpFor(directory: Directory | undefined, csi: string): string | undefined {
  return directory ? authoritativeDp(directory, csi)?.issuer : undefined;
}
