import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/index";
import { requireSession, type CurrentSession } from "@/web/current-session";
import { findMembership, type Membership } from "@/lib/csip-console/list-memberships";

/**
 * The CSIP console exists for a CSIP only to its own admins: signed out goes to sign-in; signed in but not an admin
 * of this CSIP (or no such CSIP) gets the same 404 as a page that does not exist. Every page and action calls it,
 * not only the layout, since a layout is not re-run for every request that reaches a page.
 */
export const requireCsipMember = cache(async (csipId: string): Promise<{ session: CurrentSession; csip: Membership }> => {
  const session = await requireSession();
  const csip = await findMembership(getDb(), { userId: session.userId, csipId });
  if (!csip) notFound();
  return { session, csip };
});
