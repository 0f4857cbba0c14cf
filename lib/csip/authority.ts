import { IdentifierError, normalizeEmail } from "@mimi-discovery/msp-kit";
import { isE164Prefix, type Claim } from "./claims";

/**
 * A number moved between providers. `fromCsipId` null: the donor is not a CSIP here; `toCsipId` null: the receiving
 * provider is not a CSIP here (ported out). `csi` is in normalised form, the same string as the CSI it concerns.
 */
export type PortRecord = { csi: string; fromCsipId: string | null; toCsipId: string | null; at: Date };

export type AuthorityBasis = "port" | "range" | "domain" | "none";

/** `detail` names the deciding port, range or domain for logs and operators; it never repeats the whole identifier. */
export type Authority = { csipId: string | null; basis: AuthorityBasis; detail: string };

const TEL_CSI = /^tel:(\+\d+)$/u;

/**
 * Which CSIP may act on a CSI (protocol section 5: only inside approved ranges and domains, and a ported-in number
 * belongs to the receiving CSIP). Pass approved claims only; pass port records in any order.
 *
 * - tel: the latest port record for exactly this CSI wins over every range, because the number left (or joined) a
 *   range holder by that port. Its receiver has authority; a null receiver means nobody, not the range holder again,
 *   until a later port record names the CSIP that took the number. Without a port record the longest approved
 *   prefix decides, so "+1408" held by one CSIP beats "+1" held by another.
 * - mailto: the approved claim for exactly the address's domain. Port records are not read: an address cannot be
 *   ported, it belongs to whoever runs its domain.
 * - Anything not in normalised form has no authority at all: a port record is matched by exact string, so accepting
 *   a loose spelling would miss the port and hand a ported-out number back to its old range holder.
 */
export function authorityFor(csi: string, approvedClaims: readonly Claim[], portRecords: readonly PortRecord[]): Authority {
  const tel = TEL_CSI.exec(csi);
  if (tel) {
    const e164 = tel[1] ?? "";
    // An E.164 number has the shape of a prefix; whether libphonenumber calls it valid does not matter here, since
    // a number its metadata no longer knows is still somebody's to remove.
    if (!isE164Prefix(e164)) return none("The CSI is not a normalised tel: URI.");
    return authorityByPort(csi, portRecords) ?? authorityByRange(e164, approvedClaims);
  }
  if (csi.startsWith("mailto:")) {
    if (!isNormalisedEmailCsi(csi)) return none("The CSI is not a normalised mailto: URI.");
    return authorityByDomain(csi.slice(csi.lastIndexOf("@") + 1), approvedClaims);
  }
  return none("The CSI is neither a tel: nor a mailto: URI.");
}

/** Whether this CSIP may act (for example remove a mapping) on this CSI; false whenever nobody has authority. */
export function mayAct(
  csipId: string,
  csi: string,
  approvedClaims: readonly Claim[],
  portRecords: readonly PortRecord[],
): boolean {
  const { csipId: holder } = authorityFor(csi, approvedClaims, portRecords);
  return holder !== null && holder === csipId;
}

function none(detail: string): Authority {
  return { csipId: null, basis: "none", detail };
}

function isNormalisedEmailCsi(csi: string): boolean {
  try {
    return normalizeEmail(csi.slice("mailto:".length)).uri === csi;
  } catch (error) {
    if (error instanceof IdentifierError) return false;
    throw error;
  }
}

/**
 * The latest port record for this CSI, or undefined if there is none. Two records at the same latest instant that
 * name different receivers cannot be ordered, and a time that is not a time cannot be ordered at all: in both cases
 * nobody gets authority until an operator corrects the records, rather than a guess giving a number to the wrong CSIP.
 */
function authorityByPort(csi: string, portRecords: readonly PortRecord[]): Authority | undefined {
  const records = portRecords.filter((record) => record.csi === csi);
  if (records.length === 0) return undefined;
  if (records.some((record) => Number.isNaN(record.at.getTime()))) {
    const detail = "A port record for this number has an invalid time; nobody may act until it is corrected.";
    return { csipId: null, basis: "port", detail };
  }
  // A loop rather than Math.max(...times): spreading a long history into arguments can overflow the stack.
  let latestTime = -Infinity;
  for (const record of records) latestTime = Math.max(latestTime, record.at.getTime());
  const latest = records.filter((record) => record.at.getTime() === latestTime);
  const receivers = new Set(latest.map((record) => record.toCsipId));
  const when = new Date(latestTime).toISOString();
  if (receivers.size > 1) {
    return {
      csipId: null,
      basis: "port",
      detail: `Port records at ${when} name different receiving providers; nobody may act until they are corrected.`,
    };
  }
  const { fromCsipId, toCsipId } = latest[0]!;
  const from = fromCsipId === null ? "a provider that is not a CSIP here" : fromCsipId;
  if (toCsipId === null) {
    return {
      csipId: null,
      basis: "port",
      detail: `Ported out from ${from} at ${when} to a provider that is not a CSIP here; nobody may act until a CSIP ports it in.`,
    };
  }
  return { csipId: toCsipId, basis: "port", detail: `Ported in to ${toCsipId} from ${from} at ${when}.` };
}

function authorityByRange(e164: string, approvedClaims: readonly Claim[]): Authority {
  let best = "";
  let holders: string[] = [];
  for (const claim of approvedClaims) {
    if (claim.kind !== "e164_prefix" || !isE164Prefix(claim.value) || !e164.startsWith(claim.value)) continue;
    if (claim.value.length > best.length) {
      best = claim.value;
      holders = [claim.csipId];
    } else if (claim.value.length === best.length) {
      holders.push(claim.csipId);
    }
  }
  if (best === "") return none("No approved number range covers this number.");
  return decide(holders, "range", `the approved range ${best}`);
}

function authorityByDomain(domain: string, approvedClaims: readonly Claim[]): Authority {
  const holders = approvedClaims
    .filter((claim) => claim.kind === "email_domain" && claim.value === domain)
    .map((claim) => claim.csipId);
  if (holders.length === 0) return none(`No approved claim for the domain ${domain}.`);
  return decide(holders, "domain", `the approved domain ${domain}`);
}

/**
 * One holder is the normal case. Several are possible only if checkNewClaim was bypassed; then the lowest id (by
 * UTF-16 code units, not locale, so every process agrees) is chosen and the detail says so, for an operator to fix.
 */
function decide(holders: string[], basis: "range" | "domain", what: string): Authority {
  const distinct = [...new Set(holders)].sort();
  const chosen = distinct[0]!;
  if (distinct.length === 1) return { csipId: chosen, basis, detail: `${chosen} holds ${what}.` };
  return {
    csipId: chosen,
    basis,
    detail: `${distinct.join(", ")} all hold ${what}; chose ${chosen}, the lowest id. An operator should revoke the others.`,
  };
}
