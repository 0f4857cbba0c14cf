import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { EnterCodeForm } from "@/components/enter-code-form";
import { RequestCodeForm } from "@/components/request-code-form";
import { Card } from "@/components/ui/card";
import { currentChallenge } from "@/web/code-challenge";
import { getCurrentSession } from "@/web/current-session";
import { readStepUpToken } from "@/web/step-up-cookie";
import { getDb } from "@/db/index";
import { now } from "@/lib/clock";
import { findStepUp } from "@/lib/step-up/take-step-up";
import { requestSignInCode, resendSignInCode, startSignInOver, verifySignInCode } from "./actions";
import { PasskeySignInButton } from "@/components/passkey-sign-in-button";
import { finishPasskeySignInAction, startPasskeySignInAction } from "./passkey-actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  if (await getCurrentSession()) redirect("/account");
  // A code already entered in this browser waits for its next step: go on with it (it has "Start again").
  if (await findStepUp(getDb(), await readStepUpToken(), now())) redirect("/sign-in/confirm");
  const challenge = await currentChallenge("sign_in");
  return (
    <div className="mx-auto flex max-w-md flex-col gap-6">
      <h1 className="text-2xl font-bold">Sign in</h1>
      {challenge ? (
        <Card title="Enter your code">
          <EnterCodeForm
            idPrefix="sign-in"
            challenge={{ ...challenge, expiresAt: challenge.expiresAt.toISOString() }}
            verifyAction={verifySignInCode}
            resendAction={resendSignInCode}
            startOverAction={startSignInOver}
            submitLabel="Sign in"
          />
        </Card>
      ) : (
        <Card
          title="Your phone number or email"
          description="We send you a one-time code to prove it is yours. New here? The same steps create your account."
        >
          <RequestCodeForm action={requestSignInCode} idPrefix="sign-in" />
        </Card>
      )}
      {!challenge && (
        <Card title="Have a passkey?" description="Sign in with the passkey you registered on your account page: no code needed.">
          <PasskeySignInButton start={startPasskeySignInAction} finish={finishPasskeySignInAction} label="Sign in with a passkey" variant="secondary" />
        </Card>
      )}
    </div>
  );
}
