import type { FederationConfig } from "@/env";
import { now } from "@/lib/clock";
import { loadDirectory } from "./load-directory";
import { regionDpFor as fromDirectory } from "./residency";

/** The DP of a CSI's region, from the trusted directory; undefined without one (or when it cannot be trusted now). */
export async function regionDpFor(federation: FederationConfig, csi: string): Promise<string | undefined> {
  const trusted = await loadDirectory(federation, now()).catch(() => undefined);
  return fromDirectory(trusted?.directory, csi);
}
