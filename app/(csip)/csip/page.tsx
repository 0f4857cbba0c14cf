import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { requireSession } from "@/web/current-session";
import { listMemberships } from "@/lib/csip-console/list-memberships";
import { csipPath } from "./_lib/paths";

export const metadata: Metadata = { title: "CSIP console" };

/**
 * The way in: straight to the CSIP when the account administers one, a choice when several, and for anyone else
 * what the console is and how a telco or email provider gets it (a CSIP's own pages stay 404 to others).
 */
export default async function CsipChooserPage() {
  const session = await requireSession();
  const memberships = await listMemberships(getDb(), session.userId);
  if (memberships.length === 0) {
    return (
      <div className="flex flex-col gap-6">
        <h1 className="text-2xl font-bold">CSIP console</h1>
        <Card title="For telcos and email providers" description="Your account administers no CSIP, so there is no console for you here.">
          <div className="flex flex-col gap-3 text-sm text-slate-700">
            <p>
              A CSIP (the provider that issues phone numbers or email addresses) uses this console to remove the mappings of identifiers it
              released, reassigned or ported out, inside the number ranges and domains the operator of this service approved for it.
            </p>
            <p>
              To get access, ask the operator of this Discovery Provider to register your company as a CSIP and to add this account as one of
              its admins. You then file claims for your number ranges or domains here, and the operator approves them.
            </p>
            <p>
              Looking for your own mappings? They are on the{" "}
              <Link href="/mappings" className="font-medium text-indigo-700 underline underline-offset-4 hover:text-indigo-900">
                Mappings
              </Link>{" "}
              page.
            </p>
          </div>
        </Card>
      </div>
    );
  }
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
