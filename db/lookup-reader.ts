import type { Database } from "./client";
import { isDatabaseUnavailable } from "./errors";
import { getMetrics } from "@/lib/metrics/metrics";
import { getDb, getReplica } from "./index";

/**
 * The one way a lookup door reads what lookups serve (mappings, private-lookup records): from the streaming standby
 * while this process's monitor finds it a synchronous standby that keeps up, otherwise from the primary. Never a
 * stale removal: the primary acknowledges a write only once that standby has applied it (db/guarded-sql.ts).
 *
 * A read the standby fails is asked again of the primary in the same request, and a standby that is down,
 * unreachable or out of time is left out until it passes two checks in a row; when the primary cannot answer either,
 * the caller gets the usual 503. Writes, API keys and rate limits never come here: they stay on the primary.
 */
export async function readForLookup<T>(work: (source: Database) => Promise<T>): Promise<T> {
  const replica = getReplica();
  if (replica?.monitor.usable) {
    try {
      const answer = await work(replica.db);
      getMetrics().lookupReads.inc({ source: "replica" });
      return answer;
    } catch (error) {
      // Down or out of time: left out until it passes two checks again. Anything else (a query cancelled by a
      // conflict with recovery, say) is the standby's own trouble too; either way the primary is asked, and a
      // failure that is the query's own fails there as well.
      if (isDatabaseUnavailable(error)) replica.monitor.reportFailure();
    }
  }
  const answer = await work(getDb());
  getMetrics().lookupReads.inc({ source: "primary" });
  return answer;
}
