import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { displayIdentifier } from "@/lib/identifiers/display";
import { findCsip, listClaimsForReview, listCsipMembers } from "@/lib/operator-csips/manage-csips";
import { addCsipMemberAction } from "@/app/(admin)/admin/csip-actions";
import { SimpleForm } from "@/app/(admin)/admin/_components/simple-form";

export const metadata: Metadata = { title: "CSIP" };

export default async function CsipPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const db = getDb();
  const csip = await findCsip(db, (await params).id);
  if (!csip) notFound();
  const created = (await searchParams).created;
  const [members, claims] = await Promise.all([listCsipMembers(db, csip.id), listClaimsForReview(db)]);
  const own = claims.filter((claim) => claim.csipId === csip.id);
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">{csip.name}</h1>
      {created && <Alert tone="success">The CSIP is registered. Add its first admin below; they submit their claims in their own console.</Alert>}
      <Card title="Admins" description="People who act for this CSIP in its console at /csip. Each signs in with their own identifier.">
        {members.length === 0 ? (
          <p className="mb-4 text-sm text-slate-600">No admin yet.</p>
        ) : (
          <ul className="mb-4 list-disc pl-5 text-sm">
            {members.map((member) => (
              <li key={`${member.userId}-${member.uri}`}>{member.uri ? displayIdentifier(member.uri) : "(an account with no identifier left)"}</li>
            ))}
          </ul>
        )}
        <SimpleForm
          action={addCsipMemberAction}
          idPrefix="member"
          submitLabel="Add admin"
          hidden={{ csipId: csip.id }}
          fields={[{ name: "identifier", label: "Their phone number or email", hint: "They must have signed in with it once.", required: true, maxLength: 512 }]}
        />
      </Card>
      <Card title="Claims">
        {own.length === 0 ? (
          <p className="text-sm text-slate-600">No claims yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 text-sm">
            {own.map((claim) => (
              <li key={claim.id} className="flex justify-between px-4 py-2">
                <code>{claim.value}</code>
                <span>{claim.status}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
