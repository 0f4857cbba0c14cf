import { getEnv } from "@/env";
import { ApiError, problemResponse } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/index";

export const dynamic = "force-dynamic";

/** Readiness: answers 200 only when the database answers. */
export async function GET() {
  try {
    await getDb().execute(sql`select 1`);
    return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
  } catch {
    return problemResponse(getEnv().publicOrigin, new ApiError("service_unavailable", PROBLEM_DETAILS.databaseUnreachable, { "retry-after": "5" }));
  }
}
