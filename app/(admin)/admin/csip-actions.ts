"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/index";
import { formAction } from "@/web/form-action";
import { requireOperator } from "@/web/require-operator";
import { now } from "@/lib/clock";
import { addCsipMember, createCsip, decideClaim } from "@/lib/operator-csips/manage-csips";
import { uuidField } from "@/lib/validations/sign-in";

const noControl = (value: string) => !/[\u0000-\u001F\u007F]/u.test(value);

export const createCsipAction = formAction(
  z.object({
    name: z.string().trim().min(1, "Name the CSIP, such as “Example Telecom”.").max(80).refine(noControl, "No line breaks."),
    contact: z.string().trim().max(254).refine(noControl, "No line breaks.").transform((value) => value || undefined).optional(),
  }),
  async (input) => {
    const session = await requireOperator();
    const id = await createCsip({ db: getDb(), operatorUserId: session.userId, now: now(), ...input });
    redirect(`/admin/csips/${id}?created=1`);
  },
);

export const addCsipMemberAction = formAction(z.object({ csipId: uuidField, identifier: z.string().max(512) }), async ({ csipId, identifier }) => {
  const session = await requireOperator();
  const outcome = await addCsipMember({ db: getDb(), operatorUserId: session.userId, now: now(), csipId, identifier });
  if (!outcome.ok) return { errors: { identifier: outcome.message }, values: { identifier } };
  revalidatePath(`/admin/csips/${csipId}`);
  return { tone: "success", message: "Added. They see the CSIP console at /csip when they sign in." };
});

export const decideClaimAction = formAction(
  z.object({ claimId: uuidField, decision: z.enum(["approved", "rejected"]) }),
  async ({ claimId, decision }) => {
    const session = await requireOperator();
    const outcome = await decideClaim({ db: getDb(), operatorUserId: session.userId, now: now(), claimId, decision });
    revalidatePath("/admin/csips");
    if (outcome === "held_by_other") return { tone: "error", message: "Another CSIP already holds exactly this range or domain. Reject this claim, or remove the other first." };
    if (outcome === "not_pending") return { tone: "error", message: "This claim was already decided." };
    return { tone: "success", message: decision === "approved" ? "Approved: the CSIP may act inside it from now on." : "Rejected." };
  },
);
