import type { Database } from "./client";
import { isRetryableTransactionError } from "./errors";

const MAX_ATTEMPTS = 4;

/**
 * Runs `work` in one transaction, retrying a bounded number of times on serialization failures and deadlocks
 * (40001, 40P01). `work` may run more than once, so it must not have effects outside the database.
 */
export async function withTransaction<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction((tx) => work(tx as unknown as Database));
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}
