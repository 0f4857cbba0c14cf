import { sql } from "drizzle-orm";
import { getDb } from "../../../db/index";

export const dynamic = "force-dynamic";

/** Readiness: answers 200 only when the database answers. */
export async function GET() {
  try {
    await getDb().execute(sql`select 1`);
    return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
  } catch {
    return Response.json(
      { type: "about:blank", title: "Service unavailable", status: 503, detail: "The database is not reachable.", code: "database_unavailable" },
      { status: 503, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } },
    );
  }
}
