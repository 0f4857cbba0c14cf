"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/index";
import { getSealingKey } from "@/http/private-services";
import { now } from "@/lib/clock";
import { forgetLoadedIssuerKeys, rotateIssuerKey } from "@/lib/private/issuer-keys";
import { ISSUER_KEY_GRACE_MS, OHTTP_KEY_GRACE_MS, OPRF_KEY_GRACE_MS } from "@/lib/private/key-policy";
import { forgetLoadedOhttpKeys, rotateOhttpKey } from "@/lib/private/ohttp-keys";
import { rotateOprfKey } from "@/lib/private/oprf-keys";
import { formAction } from "@/web/form-action";
import { requireOperator } from "@/web/require-operator";

const confirmRotate = z.object({ confirm: z.literal("rotate", { error: "Type rotate to confirm." }) });
const days = (ms: number) => ms / 86_400_000;

export const rotateOhttpKeyAction = formAction(confirmRotate, async () => {
  const session = await requireOperator();
  const db = getDb();
  const { created } = await rotateOhttpKey(db, getSealingKey(), now(), { userId: session.userId });
  forgetLoadedOhttpKeys(db);
  revalidatePath("/admin/private");
  return { tone: "success", message: `Key id ${created} is now active. The previous key still opens requests for ${days(OHTTP_KEY_GRACE_MS)} days.` };
});

export const rotateIssuerKeyAction = formAction(confirmRotate, async () => {
  const session = await requireOperator();
  const db = getDb();
  const { created } = await rotateIssuerKey(db, getSealingKey(), now(), { userId: session.userId });
  forgetLoadedIssuerKeys(db);
  revalidatePath("/admin/private");
  return { tone: "success", message: `Key ${created.slice(0, 16)}… issues tokens from now on. Tokens of the previous key are still redeemed for ${days(ISSUER_KEY_GRACE_MS)} days.` };
});

export const rotateOprfKeyAction = formAction(confirmRotate, async () => {
  const session = await requireOperator();
  const { building, created } = await rotateOprfKey(getDb(), getSealingKey(), now(), { userId: session.userId });
  revalidatePath("/admin/private");
  return {
    tone: "success",
    message: created
      ? `The OPRF key of epoch ${building} is being built: every instance writes its records in the background, then it becomes active and the current key answers ${days(OPRF_KEY_GRACE_MS)} more days.`
      : `The OPRF key of epoch ${building} is already being built.`,
  };
});
