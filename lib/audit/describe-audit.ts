import { inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csips, identifiers, msps, type AuditEntry } from "@/db/schema";
import { isUuid, maskIdentifier, parseIdentifier } from "@mimi-discovery/msp-kit";

/** What each action says to an operator; an action without words here is shown as its code. */
const ACTION_WORDS: Record<string, string> = {
  "api_key.issued": "issued an API key",
  "api_key.revoked": "revoked an API key",
  "claim.approved": "approved a claim",
  "claim.rejected": "rejected a claim",
  "csip.created": "registered a CSIP",
  "csip.member_added": "added a CSIP admin",
  "csip.removal_refused": "was refused a removal",
  "csip.removals_applied": "applied removals",
  "csip_claim.submitted": "filed a claim",
  "identifier.added": "added an identifier",
  "identifier.lock_lifted": "lifted a lock on an identifier",
  "identifier.locked": "locked an identifier against a change of holder",
  "identifier.released": "lost an identifier its operator released",
  "identifier.removed": "removed an identifier",
  "issuer_key.rotated": "rotated the token issuer key",
  "mapping.delisted": "had a mapping de-listed",
  "mapping.published": "published a mapping",
  "mapping.removed": "had a mapping removed",
  "msp.created": "registered an MSP",
  "msp.deleted": "deleted an MSP",
  "msp.operator_set": "recorded which CSIP runs an MSP",
  "msp.updated": "changed an MSP",
  "ohttp_key.rotated": "rotated the OHTTP gateway key",
  "oprf_key.rotation_started": "started a new OPRF key for private buckets",
  "oprf_key.activated": "made the new OPRF key active once its records were built",
  "operator.granted": "was granted the operator role",
  "passkey.registered": "registered a passkey",
  "passkey.removed": "removed a passkey",
};

const ACTOR_WORDS: Record<NonNullable<AuditEntry["actorKind"]>, string> = { recipient: "A recipient", operator: "An operator", csip: "A CSIP admin", system: "The system" };

/** One audit row as an operator reads it: who, what, about what (a name and a link when it has a page). */
export type DescribedAudit = {
  id: string;
  at: Date;
  who: string;
  what: string;
  subject: { text: string; href?: string };
  note?: string;
};

type Row = { id: string; at: Date; actorUserId: string | null; actorKind: NonNullable<AuditEntry["actorKind"]>; action: string; subjectType: string; subjectId: string; details: Record<string, unknown> };

/**
 * Puts names on a page of audit rows with three queries, whatever its length: MSPs and CSIPs by id, and each acting
 * account by one of its identifiers, masked (the log is read by operators, who need to tell people apart, not to
 * read their numbers). A mapping's or an identifier's own row never shows the identifier.
 */
export async function describeAuditRows(db: Database, rows: Row[]): Promise<DescribedAudit[]> {
  const ids = (type: string) => [...new Set(rows.filter((row) => row.subjectType === type).map((row) => row.subjectId))];
  const csipIds = [...new Set([...ids("csip"), ...rows.flatMap((row) => (typeof row.details.csip === "string" ? [row.details.csip] : []))])];
  const users = [...new Set(rows.flatMap((row) => (row.actorUserId ? [row.actorUserId] : [])))];
  const [mspRows, csipRows, identifierRows] = await Promise.all([
    ids("msp").length ? db.select({ id: msps.id, name: msps.displayName }).from(msps).where(inArray(msps.id, ids("msp"))) : [],
    csipIds.length ? db.select({ id: csips.id, name: csips.name }).from(csips).where(inArray(csips.id, csipIds.filter(isUuid))) : [],
    users.length ? db.select({ userId: identifiers.userId, uri: identifiers.uri }).from(identifiers).where(inArray(identifiers.userId, users)) : [],
  ]);
  const mspName = new Map(mspRows.map((row) => [row.id, row.name]));
  const csipName = new Map(csipRows.map((row) => [row.id, row.name]));
  const person = new Map<string, string>();
  for (const row of identifierRows) if (!person.has(row.userId)) person.set(row.userId, maskIdentifier(parseIdentifier(row.uri)));

  return rows.map((row) => {
    const actor = row.actorUserId ? person.get(row.actorUserId) : undefined;
    const described: DescribedAudit = {
      id: row.id,
      at: row.at,
      who: actor ? `${ACTOR_WORDS[row.actorKind]} (${actor})` : ACTOR_WORDS[row.actorKind],
      what: ACTION_WORDS[row.action] ?? row.action,
      subject: subjectOf(row, mspName, csipName),
    };
    const note = noteOf(row, csipName);
    if (note) described.note = note;
    return described;
  });
}

function subjectOf(row: Row, mspName: Map<string, string>, csipName: Map<string, string>): DescribedAudit["subject"] {
  switch (row.subjectType) {
    case "msp":
      return { text: mspName.get(row.subjectId) ?? row.subjectId, href: `/admin/msps/${encodeURIComponent(row.subjectId)}` };
    case "csip":
      return { text: csipName.get(row.subjectId) ?? "a CSIP that no longer exists", href: `/admin/csips/${row.subjectId}` };
    case "mapping":
      return { text: "one of the recipient's mappings" };
    case "identifier":
      return { text: "one of the recipient's identifiers" };
    case "identifier_lock":
      return { text: "a lock on one of the CSIP's identifiers" };
    case "identifier_digest":
      return { text: "an identifier, named by its digest only" };
    case "issuer_key":
      return { text: `issuer key ${row.subjectId.slice(0, 12)}…`, href: "/admin/private" };
    case "ohttp_key":
      return { text: `OHTTP key id ${row.subjectId}`, href: "/admin/private" };
    case "oprf_key":
      return { text: `OPRF key of epoch ${row.subjectId}`, href: "/admin/private" };
    case "passkey":
      return { text: typeof row.details.name === "string" ? `the passkey “${row.details.name}”` : "a passkey" };
    default:
      return { text: row.subjectType };
  }
}

function noteOf(row: Row, csipName: Map<string, string>): string | undefined {
  const details = row.details;
  const parts: string[] = [];
  if (typeof details.label === "string" && row.action.startsWith("api_key")) parts.push(`key “${details.label}”`);
  if (typeof details.prefix === "string") parts.push(`prefix ${details.prefix}`);
  if (typeof details.reason === "string") parts.push(`reason ${details.reason.replace(/_/gu, " ")}`);
  if (typeof details.refusal === "string") parts.push(`refused: ${details.refusal.replace(/_/gu, " ")}`);
  if (typeof details.kind === "string" && typeof details.value === "string") parts.push(`${details.kind === "e164_prefix" ? "numbers" : "domain"} ${details.value}`);
  if (typeof details.csip === "string" && row.subjectType !== "csip") parts.push(`by ${csipName.get(details.csip) ?? "a CSIP"}`);
  if (typeof details.items === "number") parts.push(`${details.items} items, ${String(details.applied)} applied`);
  return parts.length ? parts.join(" · ") : undefined;
}
