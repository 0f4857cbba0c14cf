import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { listClaimsForReview, listCsips } from "@/lib/operator-csips/manage-csips";
import { createCsipAction, decideClaimAction } from "@/app/(admin)/admin/csip-actions";
import { ClaimReview } from "@/app/(admin)/admin/_components/claim-review";
import { SimpleForm } from "@/app/(admin)/admin/_components/simple-form";

export const metadata: Metadata = { title: "CSIPs" };

export default async function CsipsPage() {
  const db = getDb();
  const [rows, claims] = await Promise.all([listCsips(db), listClaimsForReview(db)]);
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Identifier providers (CSIPs)</h1>
      <Card title="Claims waiting for approval" description="A CSIP acts only inside the number ranges and email domains you approve. One holder per exact range or domain; the longest approved range decides.">
        <ClaimReview rows={claims.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }))} action={decideClaimAction} />
      </Card>
      <Card title="Registered CSIPs">
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">No CSIP is registered yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
            {rows.map((row) => (
              <li key={row.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
                <Link href={`/admin/csips/${row.id}`} className="font-medium text-indigo-700 underline underline-offset-2">
                  {row.name}
                </Link>
                <span className="text-sm text-slate-600">
                  {row.members} {row.members === 1 ? "admin" : "admins"} · {claims.filter((claim) => claim.csipId === row.id && claim.status === "approved").length} approved claims
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Register a CSIP">
        <SimpleForm
          action={createCsipAction}
          idPrefix="csip"
          submitLabel="Register CSIP"
          fields={[
            { name: "name", label: "Name", required: true, maxLength: 80 },
            { name: "contact", label: "Contact (optional)" },
          ]}
        />
      </Card>
    </div>
  );
}
