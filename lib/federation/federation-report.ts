/** What a federated answer says beside its results: which DPs could not be asked, and what was refused. */
export type FederationReport = {
  unavailable: { dp: string; reason: string }[];
  dropped: { dp: string; csi: string; mapping_id: string; reason: string }[];
};

export function emptyReport(): FederationReport {
  return { unavailable: [], dropped: [] };
}
