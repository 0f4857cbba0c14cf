import type { Database } from "./client";

// The transactions withTransaction has open, each with what is to run once it commits.
const pending = new WeakMap<Database, (() => void)[]>();

/**
 * Runs `effect` once the transaction `tx` commits, or at once when `tx` is no transaction of withTransaction's (a
 * plain connection commits every statement). For effects outside the database that must not happen for work that
 * rolled back or was retried: a counter, a notice. An attempt that fails forgets what it registered.
 */
export function afterCommit(tx: Database, effect: () => void): void {
  const effects = pending.get(tx);
  if (effects) effects.push(effect);
  else effect();
}

/** withTransaction's side: the list an attempt registers into, run by the caller after the commit. */
export function openEffects(tx: Database): () => void {
  const effects: (() => void)[] = [];
  pending.set(tx, effects);
  return () => {
    pending.delete(tx);
    for (const effect of effects) effect();
  };
}
