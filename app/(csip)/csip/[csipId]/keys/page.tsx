import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { listCsipApiKeys } from "@/lib/csip-console/manage-csip-api-keys";
import { issueCsipKeyAction, revokeCsipKeyAction } from "@/app/(csip)/csip/actions";
import { ApiKeyIssueForm } from "@/components/api-key-issue-form";
import { ApiKeyList } from "@/components/api-key-list";
import { requireCsipMember } from "@/app/(csip)/csip/_lib/require-csip-member";

export const metadata: Metadata = { title: "CSIP API keys" };

export default async function CsipKeysPage({ params }: { params: Promise<{ csipId: string }> }) {
  const { csip } = await requireCsipMember((await params).csipId);
  const keys = (await listCsipApiKeys(getDb(), csip.csipId)).map((row) => ({
    ...row,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }));
  const endpoint = `${getEnv().publicOrigin}/api/v1/csip/removals`;
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">API keys</h1>
      <Card
        title="Keys for the removal API"
        description={
          <>
            Your systems send removals to <code className="break-all font-mono text-slate-900">POST {endpoint}</code> with{" "}
            <code className="font-mono text-slate-900">Authorization: Bearer</code> and a key. A key is shown once when issued and stored only as a
            hash.
          </>
        }
      >
        <ApiKeyList
          owner={{ name: "csipId", value: csip.csipId }}
          rows={keys}
          emptyText="No keys yet. Issue one below to call the removal API."
          revokeAction={revokeCsipKeyAction}
        />
        <div className="mt-5 border-t border-slate-200 pt-5">
          <ApiKeyIssueForm
            owner={{ name: "csipId", value: csip.csipId }}
            hint="For example the system that will use it. Several keys let you rotate without downtime."
            action={issueCsipKeyAction}
          />
        </div>
      </Card>
    </div>
  );
}
