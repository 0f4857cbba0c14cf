import { authoritativeDp, type Directory, type DirectoryDp } from "@mimi-discovery/msp-kit";
import type { FederationConfig } from "@/env";

export type LookupPlan = {
  /** Answered from this DP's own store. */
  local: string[];
  /** Asked of each peer, by issuer. */
  remote: Map<string, { dp: DirectoryDp; csis: string[] }>;
  /** Peers that would have been asked but the hop limit forbids it. */
  beyondHopLimit: string[];
};

/**
 * Where each CSI is answered (protocol section 8): here when the directory makes this DP authoritative for it; at
 * the authoritative DP when the directory names another (hierarchical and federated alike); and, for a CSI nobody
 * claims, here, plus in federated mode at every peer but the one that asked. `hops` is how many DPs the request
 * has passed already; one more than the limit is never sent.
 */
export function planLookup(options: { csis: string[]; directory: Directory; self: DirectoryDp; mode: FederationConfig["mode"]; hops: number; maxHops: number; askedBy?: string }): LookupPlan {
  const { directory, self } = options;
  const plan: LookupPlan = { local: [], remote: new Map(), beyondHopLimit: [] };
  const canForward = options.hops + 1 <= options.maxHops;
  const ask = (dp: DirectoryDp, csi: string) => {
    if (dp.issuer === self.issuer || dp.issuer === options.askedBy) return;
    if (!canForward) {
      if (!plan.beyondHopLimit.includes(dp.issuer)) plan.beyondHopLimit.push(dp.issuer);
      return;
    }
    const entry = plan.remote.get(dp.issuer) ?? { dp, csis: [] };
    entry.csis.push(csi);
    plan.remote.set(dp.issuer, entry);
  };
  for (const csi of options.csis) {
    const authority = authoritativeDp(directory, csi);
    if (authority?.issuer === self.issuer) plan.local.push(csi);
    else if (authority) ask(authority, csi);
    else {
      plan.local.push(csi);
      if (options.mode === "federated") for (const dp of directory.dps) ask(dp, csi);
    }
  }
  return plan;
}
