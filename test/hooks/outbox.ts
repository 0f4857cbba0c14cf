import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/index";
import { devOutbox } from "@/db/schema";
import { hookAnswer, readHookBody } from "./hook-body";

const body = z.strictObject({ destination: z.string().min(1).max(254) });

/** The newest message the development outbox holds for a destination (an address or an E.164 number), from the database. */
export async function readOutbox(request: Request): Promise<Response> {
  const parsed = await readHookBody(request, body);
  if (!parsed.ok) return parsed.response;
  const [message] = await getDb()
    .select({ channel: devOutbox.channel, text: devOutbox.body, at: devOutbox.createdAt })
    .from(devOutbox)
    .where(eq(devOutbox.destination, parsed.data.destination))
    .orderBy(desc(devOutbox.createdAt))
    .limit(1);
  return message ? hookAnswer(200, message) : hookAnswer(404, { error: "no message for that destination" });
}
