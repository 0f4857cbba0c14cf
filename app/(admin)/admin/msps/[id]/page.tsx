import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { listMspApiKeys } from "@/lib/api-keys/manage-api-keys";
import { findMsp } from "@/lib/msps/manage-msps";
import { deleteMspAction, issueKeyAction, revokeKeyAction, setMspOperatorAction, updateMspAction } from "@/app/(admin)/admin/actions";
import { listCsips } from "@/lib/operator-csips/manage-csips";
import { OperatorCsipForm } from "@/app/(admin)/admin/_components/operator-csip-form";
import { DeleteMspForm } from "@/app/(admin)/admin/_components/delete-msp-form";
import { ApiKeyIssueForm } from "@/components/api-key-issue-form";
import { ApiKeyList } from "@/components/api-key-list";
import { MspForm } from "@/app/(admin)/admin/_components/msp-form";
import { DateTime } from "@/components/ui/date-time";

export const metadata: Metadata = { title: "MSP" };

export default async function MspPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const id = decodeURIComponent((await params).id);
  const created = (await searchParams).created;
  const db = getDb();
  const msp = await findMsp(db, id);
  if (!msp) notFound();
  const keys = (await listMspApiKeys(db, id)).map((row) => ({
    ...row,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }));
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">{msp.displayName}</h1>
        <p className="text-sm text-slate-600">{msp.id}</p>
      </div>
      {created && <Alert tone="success">The MSP is registered. Issue it an API key below.</Alert>}
      {msp.deletedAt ? (
        <Alert tone="warning">This MSP was deleted on <DateTime value={msp.deletedAt} />. Its keys no longer work.</Alert>
      ) : (
        <>
          <Card title="API keys" description="Shown once when issued, stored only as a hash. Lookups are limited per MSP, across all its keys.">
            <ApiKeyList owner={{ name: "mspId", value: msp.id }} rows={keys} emptyText="No keys yet." revokeAction={revokeKeyAction} />
            <div className="mt-5 border-t border-slate-200 pt-5">
              <ApiKeyIssueForm owner={{ name: "mspId", value: msp.id }} hint="Several keys let the MSP rotate without downtime." action={issueKeyAction} />
            </div>
          </Card>
          <Card title="Details and limits">
            <MspForm action={updateMspAction} mode="edit" initial={msp} />
          </Card>
          <Card
            title="Operated by a CSIP"
            description="When a telco or email provider runs this messaging service, a number it ports out loses mappings that list this service (the recipient is told to re-sign)."
          >
            <OperatorCsipForm mspId={msp.id} current={msp.operatorCsipId} csips={(await listCsips(db)).map(({ id, name }) => ({ id, name }))} action={setMspOperatorAction} />
          </Card>
          <Card title="Delete" description="Recipients can no longer choose it, and its keys stop working at once. The id stays reserved.">
            <DeleteMspForm mspId={msp.id} action={deleteMspAction} />
          </Card>
        </>
      )}
    </div>
  );
}
