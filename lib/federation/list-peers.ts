import type { Database } from "@/db/client";
import { federationPeers, type FederationPeer } from "@/db/schema";
import type { FederationConfig } from "@/env";
import { DirectoryError, type DirectoryDp } from "@mimi-discovery/msp-kit";
import { loadDirectory } from "./load-directory";

export type PeerRow = { dp: DirectoryDp; self: boolean; status: FederationPeer | undefined };

export type PeersView =
  | { state: "standalone" }
  | { state: "untrusted"; reason: string }
  | { state: "trusted"; mode: FederationConfig["mode"]; issuedBy: string; expires: Date; selfListed: boolean; peers: PeerRow[]; unlisted: FederationPeer[] };

/**
 * The operator console's view of the federation: the directory this DP trusts (or why it trusts none), every DP in
 * it with what it is authoritative for, and when each last answered, failed, or asked us. DPs we once talked to that
 * the current directory no longer lists are shown apart: they are trusted no more.
 */
export async function listPeers(db: Database, federation: FederationConfig, origin: string, now: Date): Promise<PeersView> {
  let trusted;
  try {
    trusted = await loadDirectory(federation, now);
  } catch (error) {
    if (error instanceof DirectoryError) return { state: "untrusted", reason: error.message };
    throw error;
  }
  if (!trusted) return { state: "standalone" };
  const statuses = await db.select().from(federationPeers);
  const byIssuer = new Map(statuses.map((row) => [row.issuer, row]));
  const listed = new Set(trusted.directory.dps.map((dp) => dp.issuer));
  return {
    state: "trusted",
    mode: federation.mode,
    issuedBy: trusted.directory.iss,
    expires: new Date(trusted.directory.exp * 1000),
    selfListed: listed.has(origin),
    peers: trusted.directory.dps.map((dp) => ({ dp, self: dp.issuer === origin, status: byIssuer.get(dp.issuer) })),
    unlisted: statuses.filter((row) => !listed.has(row.issuer)),
  };
}
