"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { formAction, type FormState } from "@/web/form-action";
import { getAppKeys, getTextDeliverer } from "@/web/services";
import { now } from "@/lib/clock";
import { applyRemovalRows, type RowResult } from "@/lib/csip-console/apply-removal-rows";
import { listOtherCsips } from "@/lib/csip-console/list-other-csips";
import { issueCsipApiKey, revokeCsipApiKey } from "@/lib/csip-console/manage-csip-api-keys";
import { reportPortOut } from "@/lib/csip-console/report-port-out";
import { submitClaim } from "@/lib/csip-console/submit-claim";
import { displayIdentifier } from "@/lib/identifiers/display";
import { sendNotice, type Notice } from "@/lib/notifications/notify";
import {
  claimFormSchema,
  issueCsipKeySchema,
  NO_RECEIVING_CSIP,
  portOutSchema,
  removeOneSchema,
  revokeCsipKeySchema,
} from "@/lib/validations/csip-console";
import { requireCsipMember } from "./_lib/require-csip-member";
import { csipPath } from "./_lib/paths";

/** Best effort and after commit, as the API does: the portal shows every notice anyway. */
async function sendNotices(notices: Notice[]): Promise<void> {
  if (notices.length === 0) return;
  const deliverText = getTextDeliverer();
  await Promise.allSettled(notices.map((notice) => sendNotice(getDb(), deliverText, notice)));
}

/** One applied or refused row as a form answer: a refusal sits beside the identifier field. */
function rowAnswer(csi: string, input: string, result: RowResult, values: Record<string, string>): FormState {
  if (!result.applied) return { errors: { csi: result.message }, values: { ...values, csi: input } };
  return { tone: "success", message: `${displayIdentifier(csi)}: ${result.message}` };
}

export const submitClaimAction = formAction(claimFormSchema, async (input) => {
  const { kind, value } = input;
  const {
    session,
    csip: { csipId },
  } = await requireCsipMember(input.csipId);
  const outcome = await submitClaim({ db: getDb(), csipId, userId: session.userId, kind, input: value, now: now() });
  if (!outcome.ok) return { errors: { value: outcome.message }, values: { kind, value } };
  revalidatePath(csipPath(csipId));
  return {
    tone: "success",
    message: `Your claim on ${outcome.value} is filed and awaits the DP operator's approval. You can act on it once it is approved.`,
  };
});

export const removeOneAction = formAction(removeOneSchema, async (input) => {
  const { csi, reason } = input;
  const {
    session,
    csip: { csipId },
  } = await requireCsipMember(input.csipId);
  const { results, notices } = await applyRemovalRows({
    db: getDb(),
    csipId,
    userId: session.userId,
    rows: [{ line: 1, ok: true, input: csi.input, csi: csi.csi.uri, reason }],
    issuer: getEnv().publicOrigin,
    sealingKey: getAppKeys().sealing,
    auditKey: getAppKeys().audit,
    now: now(),
  });
  await sendNotices(notices);
  return rowAnswer(csi.csi.uri, csi.input, results[0]!, { reason });
});

export const reportPortOutAction = formAction(portOutSchema, async (input) => {
  const { csi, receivingCsip } = input;
  const {
    session,
    csip: { csipId },
  } = await requireCsipMember(input.csipId);
  const db = getDb();
  const receivingCsipId = receivingCsip === NO_RECEIVING_CSIP ? null : receivingCsip.toLowerCase();
  if (receivingCsipId && !(await listOtherCsips(db, csipId)).some((other) => other.id === receivingCsipId)) {
    return { errors: { receivingCsip: "Choose the receiving provider from the list." }, values: { csi: csi.input, receivingCsip } };
  }
  const { result, notices } = await reportPortOut({
    db,
    csipId,
    userId: session.userId,
    csi: csi.csi.uri,
    input: csi.input,
    receivingCsipId,
    issuer: getEnv().publicOrigin,
    sealingKey: getAppKeys().sealing,
    auditKey: getAppKeys().audit,
    now: now(),
  });
  await sendNotices(notices);
  if (result.applied) revalidatePath(csipPath(csipId, "ports"));
  return rowAnswer(csi.csi.uri, csi.input, result, { receivingCsip });
});

export const issueCsipKeyAction = formAction(issueCsipKeySchema, async (input) => {
  const {
    session,
    csip: { csipId },
  } = await requireCsipMember(input.csipId);
  const label = input.label;
  const issued = await issueCsipApiKey({ db: getDb(), csipId, label, userId: session.userId, now: now() });
  if (!issued) return { tone: "error", message: "This CSIP no longer exists." };
  revalidatePath(csipPath(csipId, "keys"));
  return { tone: "success", message: issued.key, values: { prefix: issued.prefix } };
});

export const revokeCsipKeyAction = formAction(revokeCsipKeySchema, async (input) => {
  const {
    session,
    csip: { csipId },
  } = await requireCsipMember(input.csipId);
  const keyId = input.keyId;
  const revoked = await revokeCsipApiKey({ db: getDb(), csipId, keyId, userId: session.userId, now: now() });
  revalidatePath(csipPath(csipId, "keys"));
  return revoked
    ? { tone: "success", message: "The key was revoked. Requests with it are refused from now on." }
    : { tone: "error", message: "That key was already revoked." };
});
