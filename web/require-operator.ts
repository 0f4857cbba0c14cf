import "server-only";
import { notFound } from "next/navigation";
import { getDb } from "@/db/index";
import { isOperator } from "@/lib/operators/operators";
import { requireSession, type CurrentSession } from "./current-session";

/** The console exists only for operators: anyone else gets the same 404 as for a page that does not exist. */
export async function requireOperator(): Promise<CurrentSession> {
  const session = await requireSession();
  if (!(await isOperator(getDb(), session.userId))) notFound();
  return session;
}
