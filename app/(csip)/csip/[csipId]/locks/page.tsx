import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { identifierLockReasons } from "@/db/schema";
import { displayIdentifier } from "@/lib/identifiers/display";
import { LOCK_REASON_LABELS } from "@/lib/identifier-locks/lock-reasons";
import { listLocks } from "@/lib/identifier-locks/manage-locks";
import { liftLockAction, lockIdentifierAction } from "@/app/(csip)/csip/lock-actions";
import { IdentifierReasonForm } from "@/app/(csip)/csip/_components/identifier-reason-form";
import { LockList } from "@/app/(csip)/csip/_components/lock-list";
import { requireCsipMember } from "@/app/(csip)/csip/_lib/require-csip-member";

export const metadata: Metadata = { title: "Locked identifiers" };

export default async function LocksPage({ params }: { params: Promise<{ csipId: string }> }) {
  const { csip } = await requireCsipMember((await params).csipId);
  const rows = (await listLocks(getDb(), csip.csipId)).map((lock) => ({
    id: lock.id,
    display: displayIdentifier(lock.csi),
    reason: LOCK_REASON_LABELS[lock.reason],
    since: lock.lockedAt.toISOString(),
  }));
  const reasons = identifierLockReasons.map((reason) => ({ value: reason, label: LOCK_REASON_LABELS[reason] }));
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Locked identifiers</h1>
        <p className="mt-1 text-slate-700">
          Someone who proves a number or address with a one-time code can take it over from the account that holds it here, as a new holder of a
          recycled number would. Lock one of yours to stop that while its subscriber has not changed: after a SIM swap, a fraud report, or
          when the subscriber asks. Whoever tries is refused with your reason, never your name. Locking tells you nothing about whether
          anyone here holds the identifier.
        </p>
      </div>
      <Card title="Lock an identifier">
        <IdentifierReasonForm
          csipId={csip.csipId}
          idPrefix="lock"
          reasons={reasons}
          reasonHint="Shown to whoever tries to take it over, without your name."
          submit={{ label: "Lock", pending: "Locking…" }}
          action={lockIdentifierAction}
        />
      </Card>
      <Card title="Locks" description="A lock holds while you have authority over the identifier: a number ported away from you is no longer yours to lock.">
        <LockList csipId={csip.csipId} rows={rows} action={liftLockAction} />
      </Card>
    </div>
  );
}
