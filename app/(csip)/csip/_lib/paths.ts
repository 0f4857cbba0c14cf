/** The console's pages for one CSIP: the CSIP's id is in the path, so a tab always acts for the CSIP it shows. */
export const csipPath = (csipId: string, page: "" | "removals" | "ports" | "locks" | "keys" = "") =>
  `/csip/${encodeURIComponent(csipId)}${page ? `/${page}` : ""}`;
