"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/index";
import { now } from "@/lib/clock";
import { displayIdentifier } from "@/lib/identifiers/display";
import { liftLock, lockIdentifier } from "@/lib/identifier-locks/manage-locks";
import { liftLockSchema, lockIdentifierSchema } from "@/lib/validations/csip-console";
import { formAction } from "@/web/form-action";
import { requireCsipMember } from "./_lib/require-csip-member";
import { csipPath } from "./_lib/paths";

const CHANGED = {
  locked: "is locked: nobody can take it over from the account that holds it here, if there is one, until you lift the lock.",
  reason_changed: "was already locked; its reason is changed.",
  unchanged: "was already locked for that reason.",
} as const;

export const lockIdentifierAction = formAction(lockIdentifierSchema, async (input) => {
  const {
    session,
    csip: { csipId },
  } = await requireCsipMember(input.csipId);
  const outcome = await lockIdentifier({ db: getDb(), csipId, userId: session.userId, csi: input.csi.csi.uri, reason: input.reason, now: now() });
  if (!outcome.ok) return { errors: { csi: outcome.message }, values: { csi: input.csi.input, reason: input.reason } };
  revalidatePath(csipPath(csipId, "locks"));
  return { tone: "success", message: `${displayIdentifier(input.csi.csi.uri)} ${CHANGED[outcome.changed]}` };
});

export const liftLockAction = formAction(liftLockSchema, async (input) => {
  const {
    session,
    csip: { csipId },
  } = await requireCsipMember(input.csipId);
  const lifted = await liftLock({ db: getDb(), csipId, userId: session.userId, lockId: input.lockId, now: now() });
  revalidatePath(csipPath(csipId, "locks"));
  return lifted
    ? { tone: "success", message: "The lock is lifted. A new holder who proves the identifier can take it over again." }
    : { tone: "error", message: "That lock was already lifted." };
});
