import { DatabaseUnavailableError } from "./errors";

export type Permits = {
  /** Resolves with a release function once a permit is free, or rejects after `deadlineMs` having taken none. */
  acquire: (deadlineMs: number) => Promise<() => void>;
  readonly free: number;
  readonly waiting: number;
};

type Waiter = { resolve: (release: () => void) => void; settled: boolean };

/**
 * As many permits as the pool has connections: a call holds one from before the driver sees it until its answer.
 * So the driver always has a connection to give (open, or one it may open), and the only queue is this one, where a
 * call that waited past its deadline can leave cleanly, never having been sent. postgres.js's own queue cannot
 * promise that: a query cancelled while a connection is being opened for it stalls that connection.
 */
export function createPermits(size: number): Permits {
  let free = size;
  const queue: Waiter[] = [];
  let head = 0;

  const release = () => {
    // Waiters that timed out stay in the queue, marked settled, and are skipped here.
    while (head < queue.length) {
      const waiter = queue[head]!;
      queue[head] = undefined as unknown as Waiter;
      head += 1;
      if (!waiter.settled) {
        waiter.settled = true;
        waiter.resolve(once(release));
        compact();
        return;
      }
    }
    compact();
    free += 1;
  };

  const compact = () => {
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };

  return {
    get free() {
      return free;
    },
    get waiting() {
      let count = 0;
      for (let index = head; index < queue.length; index += 1) if (!queue[index]!.settled) count += 1;
      return count;
    },
    acquire(deadlineMs) {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          settled: false,
          resolve: (granted) => {
            clearTimeout(timer);
            resolve(granted);
          },
        };
        const timer = setTimeout(() => {
          if (waiter.settled) return;
          waiter.settled = true;
          reject(new DatabaseUnavailableError("no_connection_in_time"));
        }, deadlineMs);
        queue.push(waiter);
      });
    },
  };
}

function once(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}
