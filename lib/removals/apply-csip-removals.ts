import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csipClaims, csips, identifiers, mappings, msps, portRecords } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record-audit";
import { mayAct, type PortRecord } from "@/lib/csip/authority";
import type { Claim } from "@/lib/csip/claims";
import { isUuid, parseCsiInput, type CsipRemovalReason, type MappingDocument } from "@mimi-discovery/msp-kit";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { recordNotice, type Notice } from "@/lib/notifications/notify";
import { auditRefusedRemoval, type RemovalRequester } from "./audit-removal-request";
import { removeMappings } from "./remove-mappings";

export type RemovalItem = { csi: unknown; reason: CsipRemovalReason; receiving_csip?: string | undefined };

/** Why an item changed nothing: it is outside the CSIP's authority, or it is not a valid item. */
export type ItemRefusal = "outside_authority" | "invalid";

/** The refusal CSIPs meet most; the API reference shows it as it is sent. */
export const OUTSIDE_AUTHORITY = {
  code: "outside_authority",
  detail: "This identifier is outside your approved number ranges and domains (or was ported away).",
} as const;

export type ItemResult =
  | { index: number; csi: string; applied: true; outcome: "removed" | "nothing_to_remove" | "ported"; removed: number }
  | { index: number; input: unknown; applied: false; refusal: ItemRefusal; error: { code: string; detail: string } };

/**
 * Applies a CSIP's removals (protocol section 5), each item on its own: an item outside the CSIP's authority, or an
 * invalid one, is refused and changes nothing; the others are applied, in the caller's one transaction, and
 * every result is reported. Lifecycle, after the interim slides:
 * - released / reassigned: every mapping of the identifier is removed, and whoever held it loses it: a new proof
 *   of ownership is needed before it can be mapped again;
 * - ported_out: authority moves to the receiving CSIP; the recipient keeps their mappings, except those that list
 *   an MSP operated by the donating CSIP, which are withdrawn (the recipient is told to re-sign without it);
 * - other: every mapping of the identifier is removed.
 */
export async function applyCsipRemovals(options: {
  tx: Database;
  csipId: string;
  items: RemovalItem[];
  /** Who asked, for the audit row of every refused item. */
  requestedBy: RemovalRequester;
  /** The uploaded file's line of each item, when the items come from one, so an audit row points at the line. */
  lines?: number[];
  issuer: string;
  sealingKey: Buffer;
  auditKey: Buffer;
  now: Date;
  /** Called as each item is judged, for a person watching a long upload. */
  onProgress?: (done: number, total: number) => void;
}): Promise<{ results: ItemResult[]; notices: Notice[] }> {
  const { tx, csipId, items, now } = options;
  const parsed = items.map((item) => ({ item, parsed: parseCsiInput(item.csi) }));
  const uris = parsed.flatMap(({ parsed: entry }) => (entry.ok ? [entry.csi.uri] : []));
  const claims: Claim[] = await tx
    .select({ csipId: csipClaims.csipId, kind: csipClaims.kind, value: csipClaims.value })
    .from(csipClaims)
    .innerJoin(csips, eq(csips.id, csipClaims.csipId))
    .where(and(eq(csipClaims.status, "approved"), isNull(csips.deletedAt)));
  const ports: PortRecord[] = uris.length
    ? await tx
        .select({ csi: portRecords.csi, fromCsipId: portRecords.fromCsipId, toCsipId: portRecords.toCsipId, at: portRecords.at })
        .from(portRecords)
        .where(inArray(portRecords.csi, uris))
    : [];
  const ownMsps = new Set(
    (await tx.select({ id: msps.id }).from(msps).where(eq(msps.operatorCsipId, csipId))).map((row) => row.id),
  );
  const key = await loadActiveSigningKey(tx, options.sealingKey);
  const results: ItemResult[] = [];
  const notices: Notice[] = [];
  const seen = new Set<string>();

  for (const [index, { item, parsed: entry }] of parsed.entries()) {
    options.onProgress?.(index, parsed.length);
    if (!entry.ok) {
      results.push({ index, input: item.csi, applied: false, refusal: "invalid", error: { code: entry.error.code, detail: entry.error.detail } });
      continue;
    }
    const csi = entry.csi.uri;
    if (seen.has(csi)) {
      results.push({ index, input: item.csi, applied: false, refusal: "invalid", error: { code: "duplicate_item", detail: "This identifier is listed twice in the request." } });
      continue;
    }
    seen.add(csi);
    if (!mayAct(csipId, csi, claims, ports)) {
      results.push({ index, input: item.csi, applied: false, refusal: "outside_authority", error: { ...OUTSIDE_AUTHORITY } });
      continue;
    }
    if (item.reason !== "ported_out" && item.receiving_csip !== undefined) {
      results.push({ index, input: item.csi, applied: false, refusal: "invalid", error: { code: "invalid_value", detail: "receiving_csip goes only with reason ported_out." } });
      continue;
    }
    if (item.reason === "ported_out" && entry.csi.kind !== "tel") {
      results.push({ index, input: item.csi, applied: false, refusal: "invalid", error: { code: "invalid_value", detail: "Only phone numbers are ported." } });
      continue;
    }
    if (item.receiving_csip !== undefined) {
      const [receiving] = isUuid(item.receiving_csip)
        ? await tx.select({ id: csips.id }).from(csips).where(and(eq(csips.id, item.receiving_csip), isNull(csips.deletedAt)))
        : [];
      if (!receiving || receiving.id === csipId) {
        results.push({ index, input: item.csi, applied: false, refusal: "invalid", error: { code: "invalid_value", detail: "receiving_csip is not another registered CSIP." } });
        continue;
      }
    }

    const active = await tx
      .select({ id: mappings.id, userId: mappings.userId, document: mappings.document })
      .from(mappings)
      .where(and(eq(mappings.csi, csi), eq(mappings.status, "active")));
    const actor = { kind: "csip" as const, csipId };
    if (item.reason === "ported_out") {
      await tx.insert(portRecords).values({ csi, fromCsipId: csipId, toCsipId: item.receiving_csip ?? null, at: now, reportedBy: csipId });
      const withdrawn = active.filter((row) => (JSON.parse(row.document) as MappingDocument).entries.some((listed) => ownMsps.has(listed.msp)));
      const removed = await removeMappings({ tx, mappingIds: withdrawn.map((row) => row.id), actor, reason: "ported_out", issuer: options.issuer, key, sealingKey: options.sealingKey, now });
      for (const userId of new Set(removed.map((row) => row.userId))) {
        notices.push({
          userId,
          kind: "mapping.withdrawn",
          subject: "A mapping of yours was withdrawn after a number port",
          text: `Your number moved to another operator, so a mapping that listed your previous operator's messaging service was withdrawn. Sign a new mapping without it at ${options.issuer}/mappings.`,
        });
      }
      results.push({ index, csi, applied: true, outcome: "ported", removed: removed.length });
    } else {
      const removed = await removeMappings({ tx, mappingIds: active.map((row) => row.id), actor, reason: item.reason, issuer: options.issuer, key, sealingKey: options.sealingKey, now });
      if (item.reason === "released" || item.reason === "reassigned") {
        // The holder no longer verifiably owns the identifier: it leaves their account until proven again.
        const [held] = await tx.delete(identifiers).where(eq(identifiers.uri, csi)).returning({ userId: identifiers.userId });
        if (held) {
          await recordAudit(tx, { at: now, actorUserId: held.userId, actorKind: "csip", action: "identifier.released", subjectType: "identifier", subjectId: csi, details: { csip: csipId, reason: item.reason } });
          notices.push({
            userId: held.userId,
            kind: "identifier.released",
            subject: "An identifier left your account",
            text: `Your operator reported that a number or address on your account was ${item.reason === "released" ? "released" : "reassigned"}. Its mappings were removed. If it is still yours, add it again with a new code at ${options.issuer}/account.`,
          });
        }
      }
      results.push({ index, csi, applied: true, outcome: removed.length > 0 ? "removed" : "nothing_to_remove", removed: removed.length });
    }
  }
  for (const result of results) {
    if (result.applied) continue;
    const { item, parsed: entry } = parsed[result.index]!;
    const line = options.lines?.[result.index];
    await auditRefusedRemoval(tx, {
      auditKey: options.auditKey,
      csipId,
      requestedBy: options.requestedBy,
      subject: entry.ok ? { csi: entry.csi.uri } : { input: item.csi },
      refusal: result.error.code,
      reason: item.reason,
      position: line === undefined ? { index: result.index } : { line },
      now,
    });
  }
  for (const notice of notices) await recordNotice(tx, notice, now);
  return { results, notices };
}
