import { POST as federationLookup } from "@/app/api/v1/federation/lookup/route";
import { POST as invalidations } from "@/app/api/v1/federation/invalidations/route";
import type { WebHandler } from "./serve-web-handler";

/** The DP-to-DP routes (protocol section 8), served straight by the custom server like the lookups. */
export function federationRoutes(): Map<string, WebHandler> {
  return new Map([
    ["/api/v1/federation/lookup", federationLookup],
    ["/api/v1/federation/invalidations", invalidations],
  ]);
}
