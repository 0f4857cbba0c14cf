import type { Database } from "@/db/client";
import { msps } from "@/db/schema";

/** Fictional providers on reserved example domains, so a newcomer's portal has something to choose from. */
export const DEMO_MSPS = [
  { id: "chat.example", displayName: "Chatterbox", contact: "interop@chat.example" },
  { id: "work.example", displayName: "Workwire", contact: "interop@work.example" },
  { id: "family.example", displayName: "Hearth Messenger", contact: "interop@family.example" },
] as const;

export async function seedDemoMsps(db: Database): Promise<void> {
  await db.insert(msps).values([...DEMO_MSPS]).onConflictDoNothing({ target: msps.id });
}
