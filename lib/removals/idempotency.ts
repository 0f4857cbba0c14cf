import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { idempotencyRecords } from "@/db/schema";
import { DomainError } from "@/lib/errors/domain-error";
import { sha256Hex } from "@/lib/crypto/secrets";
import { canonicalize } from "@mimi-discovery/msp-kit";

export type StoredAnswer = { status: number; body: string };

/** A client's Idempotency-Key that cannot be honoured. */
export class IdempotencyError extends DomainError<"invalid_key" | "key_reused"> {}

/** A key a client may choose: visible ASCII, as Stripe's API and the Idempotency-Key draft allow. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/u;

// The messages are the API's problem details too: http/problem-details.ts re-exports them (lib/ never imports http/).
export const INVALID_IDEMPOTENCY_KEY_MESSAGE = "Idempotency-Key must be 1 to 255 visible ASCII characters.";
export const REUSED_IDEMPOTENCY_KEY_MESSAGE = "This Idempotency-Key was first used with a different request body.";

export function readIdempotencyKey(header: string | null): string | undefined {
  if (header === null) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) throw new IdempotencyError("invalid_key", "malformed", INVALID_IDEMPOTENCY_KEY_MESSAGE);
  return header;
}

/** The request's fingerprint: its canonical JSON, so key order and spacing do not make two bodies differ. */
export function requestHash(body: unknown): string {
  return sha256Hex(canonicalize(body));
}

/** The first answer to this key, if any; the same key with another body is a 409. */
export async function findReplay(db: Database, csipId: string, key: string, hash: string): Promise<StoredAnswer | null> {
  const [record] = await db
    .select()
    .from(idempotencyRecords)
    .where(and(eq(idempotencyRecords.csipId, csipId), eq(idempotencyRecords.key, key)));
  if (!record) return null;
  if (record.requestHash !== hash) {
    throw new IdempotencyError("key_reused", "conflict", REUSED_IDEMPOTENCY_KEY_MESSAGE);
  }
  return { status: record.status, body: record.body };
}

/** Stores the first answer in the transaction of the change itself: both commit, or neither. */
export async function storeAnswer(tx: Database, options: { csipId: string; key: string; hash: string; answer: StoredAnswer; now: Date }): Promise<void> {
  await tx.insert(idempotencyRecords).values({
    csipId: options.csipId,
    key: options.key,
    requestHash: options.hash,
    status: options.answer.status,
    body: options.answer.body,
    createdAt: options.now,
  });
}
