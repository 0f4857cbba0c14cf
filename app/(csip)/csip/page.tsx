import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { requireSession } from "@/web/current-session";
import { listMemberships } from "@/lib/csip-console/list-memberships";
import { csipPath } from "./_lib/paths";

export const metadata: Metadata = { title: "CSIP console" };

/** The way in: straight to the CSIP when the account administers one, a choice when several, 404 when none. */
export default async function CsipChooserPage() {
  const session = await requireSession();
  const memberships = await listMemberships(getDb(), session.userId);
  if (memberships.length === 0) notFound();
  if (memberships.length === 1) redirect(csipPath(memberships[0]!.csipId));
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">CSIP console</h1>
      <Card title="Choose a CSIP" description="Your account administers several telcos or email providers. Each has its own claims, removals and keys.">
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {memberships.map((membership) => (
            <li key={membership.csipId}>
              <Link href={csipPath(membership.csipId)} className="block px-4 py-3 font-medium text-indigo-700 underline-offset-2 hover:bg-slate-50 hover:underline">
                {membership.name}
              </Link>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
