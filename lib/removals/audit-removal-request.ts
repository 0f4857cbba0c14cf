import type { Database } from "@/db/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { keyedHash } from "@/lib/crypto/secrets";

/** Who asked a CSIP's removals: a key of the CSIP, through the API, or one of its admins, in the console. */
export type RemovalRequester = { via: "api"; apiKeyId: string } | { via: "console"; userId: string };

/**
 * The identifier a refused item named, as an audit row may hold it: a keyed digest (HMAC), not the identifier.
 * An operator who is told of a number can compute its digest with the same key and find the rows; nobody reading
 * the log can list the numbers. Input that is no identifier is digested as sent.
 */
export function auditDigest(auditKey: Buffer, subject: { csi: string } | { input: unknown }): string {
  return "csi" in subject ? keyedHash(auditKey, "csi", subject.csi) : keyedHash(auditKey, "input", typeof subject.input === "string" ? subject.input : JSON.stringify(subject.input) ?? "");
}

/** One refused item, audited in the transaction of the request: who asked, which identifier (digested), and why. */
export async function auditRefusedRemoval(
  tx: Database,
  options: {
    auditKey: Buffer;
    csipId: string;
    requestedBy: RemovalRequester;
    subject: { csi: string } | { input: unknown };
    refusal: string;
    reason: string | undefined;
    position: { index: number } | { line: number };
    now: Date;
  },
): Promise<void> {
  const { requestedBy } = options;
  await recordAudit(tx, {
    at: options.now,
    actorUserId: requestedBy.via === "console" ? requestedBy.userId : null,
    actorKind: "csip",
    action: "csip.removal_refused",
    subjectType: "identifier_digest",
    subjectId: auditDigest(options.auditKey, options.subject),
    details: {
      csip: options.csipId,
      via: requestedBy.via,
      ...(requestedBy.via === "api" ? { api_key: requestedBy.apiKeyId } : {}),
      refusal: options.refusal,
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...options.position,
    },
  });
}

/** The request as a whole, once: how many items came, how many were applied and refused, by whom. */
export async function auditRemovalRequest(
  tx: Database,
  options: { csipId: string; requestedBy: RemovalRequester; items: number; applied: number; now: Date },
): Promise<void> {
  const { requestedBy } = options;
  await recordAudit(tx, {
    at: options.now,
    actorUserId: requestedBy.via === "console" ? requestedBy.userId : null,
    actorKind: "csip",
    action: "csip.removals_applied",
    subjectType: "csip",
    subjectId: options.csipId,
    // Counts only: the identifiers are on each removed mapping's audit row and tombstone, and digested on refusals.
    details: {
      via: requestedBy.via,
      ...(requestedBy.via === "api" ? { api_key: requestedBy.apiKeyId } : {}),
      items: options.items,
      applied: options.applied,
      refused: options.items - options.applied,
    },
  });
}
