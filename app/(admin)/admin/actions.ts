"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/index";
import { issueMspApiKey, revokeApiKey } from "@/lib/api-keys/manage-api-keys";
import { formAction } from "@/web/form-action";
import { requireOperator } from "@/web/require-operator";
import { now } from "@/lib/clock";
import { createMsp, deleteMsp, setMspOperatorCsip, updateMsp } from "@/lib/msps/manage-msps";
import { apiKeyLabelSchema, mspInputSchema, mspLimitsSchema } from "@/lib/validations/msp";
import { uuidField } from "@/lib/validations/sign-in";

export const createMspAction = formAction(mspInputSchema.extend(mspLimitsSchema.shape), async (input) => {
  const session = await requireOperator();
  const outcome = await createMsp({ db: getDb(), operatorUserId: session.userId, now: now(), input });
  if (outcome === "taken") return { errors: { id: "An MSP with this id is already registered." }, values: { id: input.id } };
  redirect(`/admin/msps/${encodeURIComponent(input.id)}?created=1`);
});

export const updateMspAction = formAction(
  mspInputSchema.omit({ id: true }).extend(mspLimitsSchema.shape).extend({ mspId: z.string().max(253) }),
  async ({ mspId, ...input }) => {
    const session = await requireOperator();
    const updated = await updateMsp({ db: getDb(), operatorUserId: session.userId, now: now(), id: mspId, input });
    if (!updated) return { tone: "error", message: "This MSP no longer exists." };
    revalidatePath(`/admin/msps/${mspId}`);
    return { tone: "success", message: "Saved. New limits apply to the next request." };
  },
);

export const issueKeyAction = formAction(z.object({ mspId: z.string().max(253), label: apiKeyLabelSchema }), async ({ mspId, label }) => {
  const session = await requireOperator();
  const issued = await issueMspApiKey({ db: getDb(), mspId, label, operatorUserId: session.userId, now: now() });
  if (!issued) return { tone: "error", message: "This MSP no longer exists." };
  revalidatePath(`/admin/msps/${mspId}`);
  return { tone: "success", message: issued.key, values: { prefix: issued.prefix } };
});

export const revokeKeyAction = formAction(z.object({ keyId: uuidField, mspId: z.string().max(253) }), async ({ keyId, mspId }) => {
  const session = await requireOperator();
  const revoked = await revokeApiKey({ db: getDb(), keyId, operatorUserId: session.userId, now: now() });
  revalidatePath(`/admin/msps/${mspId}`);
  return revoked ? { tone: "success", message: "The key was revoked. Requests with it are refused from now on." } : { tone: "error", message: "That key was already revoked." };
});

export const deleteMspAction = formAction(z.object({ mspId: z.string().max(253), confirm: z.literal("delete", { error: "Type delete to confirm." }) }), async ({ mspId }) => {
  const session = await requireOperator();
  await deleteMsp({ db: getDb(), operatorUserId: session.userId, now: now(), id: mspId });
  redirect("/admin?deleted=1");
});

export const setMspOperatorAction = formAction(
  z.object({ mspId: z.string().max(253), csipId: z.union([z.literal(""), uuidField]) }),
  async ({ mspId, csipId }) => {
    const session = await requireOperator();
    const saved = await setMspOperatorCsip({ db: getDb(), operatorUserId: session.userId, now: now(), id: mspId, csipId: csipId || null });
    if (!saved) return { tone: "error", message: "This MSP no longer exists." };
    revalidatePath(`/admin/msps/${mspId}`);
    return { tone: "success", message: csipId ? "Saved: a port-out by that CSIP withdraws mappings listing this MSP." : "Saved: no CSIP operates this MSP." };
  },
);
