import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { listClaims, type ListedClaim } from "@/lib/csip-console/list-claims";
import { submitClaimAction } from "@/app/(csip)/csip/actions";
import { ClaimForm } from "@/app/(csip)/csip/_components/claim-form";
import { DateTime } from "@/components/ui/date-time";
import { requireCsipMember } from "@/app/(csip)/csip/_lib/require-csip-member";

export const metadata: Metadata = { title: "CSIP claims" };

const KIND = { e164_prefix: "Number range", email_domain: "Email domain" } as const;
const STATUS = {
  approved: { text: "Approved", className: "bg-green-100 text-green-900" },
  pending: { text: "Awaiting approval", className: "bg-amber-100 text-amber-950" },
  rejected: { text: "Rejected", className: "bg-slate-200 text-slate-800" },
} as const;

function ClaimTable({ claims }: { claims: ListedClaim[] }) {
  return (
    <DataTable id="claims" caption="Your claims" minWidthClass="min-w-[30rem]" columns={[{ label: "Kind" }, { label: "Prefix or domain" }, { label: "Status" }, { label: "Filed" }]}>
      {claims.map((claim) => (
        <tr key={claim.id} data-testid="claim-row">
          <td className="px-3 py-2">{KIND[claim.kind]}</td>
          <td className="break-all px-3 py-2 font-mono">{claim.value}</td>
          <td className="px-3 py-2">
            <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS[claim.status].className}`}>{STATUS[claim.status].text}</span>
          </td>
          <td className="px-3 py-2">
            <DateTime value={claim.createdAt} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export default async function CsipOverviewPage({ params }: { params: Promise<{ csipId: string }> }) {
  const { csip } = await requireCsipMember((await params).csipId);
  const claims = await listClaims(getDb(), csip.csipId);
  const approved = claims.filter((claim) => claim.status === "approved").length;
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold break-words">{csip.name}</h1>
        <p className="mt-1 text-sm text-slate-700">
          Your CSIP id is <code className="break-all rounded bg-slate-100 px-1 font-mono text-slate-900">{csip.csipId}</code>. A provider that ports a
          number to you names you with it.
        </p>
      </div>
      <Card
        title="Your number ranges and domains"
        description={
          approved === 0
            ? "You can remove mappings only inside approved claims. None is approved yet."
            : `You can remove mappings inside your ${approved} approved ${approved === 1 ? "claim" : "claims"}, and of numbers ported to you.`
        }
      >
        {claims.length === 0 ? (
          <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">
            No claims yet. Claim the number ranges and email domains you issue below; the DP operator approves each one.
          </p>
        ) : (
          <ClaimTable claims={claims} />
        )}
      </Card>
      <Card
        title="Claim a number range or domain"
        description="The operator checks that you issue these identifiers before approving. A longer prefix held by another provider wins over yours for its numbers."
      >
        <ClaimForm csipId={csip.csipId} action={submitClaimAction} />
      </Card>
    </div>
  );
}
