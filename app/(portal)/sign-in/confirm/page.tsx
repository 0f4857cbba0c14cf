import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { EnterCodeForm } from "@/components/enter-code-form";
import { RequestCodeForm } from "@/components/request-code-form";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { LONG_ABSENCE_DAYS } from "@/lib/accounts/sign-in-policy";
import { now } from "@/lib/clock";
import { describeStepUp } from "@/lib/step-up/describe-step-up";
import { getCurrentSession } from "@/web/current-session";
import { readStepUpToken } from "@/web/step-up-cookie";
import {
  abandonStepUpAction,
  chooseAnotherIdentifier,
  claimAsNewHolderAction,
  confirmOwnAccountAction,
  requestStepUpCodeAction,
  resendStepUpCodeAction,
  verifyStepUpCodeAction,
} from "./actions";
import { NewHolderChoice } from "./_components/new-holder-choice";
import { OwnAccountForm } from "./_components/own-account-form";
import { PasskeySignInButton } from "@/components/passkey-sign-in-button";
import { finishPasskeyStepUpAction, startPasskeyStepUpAction } from "./passkey-actions";

export const metadata: Metadata = { title: "Confirm your sign-in" };

/**
 * After a code that does not open its account alone (lib/accounts/sign-in-policy.ts): the ways to show the account is
 * yours, and the way out for a new holder of the number. Nothing of the account is on this page.
 */
export default async function ConfirmSignInPage() {
  if (await getCurrentSession()) redirect("/account");
  const view = await describeStepUp(getDb(), await readStepUpToken(), now());
  if (!view) {
    return (
      <div className="mx-auto flex max-w-xl flex-col gap-6">
        <h1 className="text-2xl font-bold">Confirm your sign-in</h1>
        <Card title="This step has ended" description="It lasts 10 minutes, and ends once it is finished in any tab. Nothing was changed.">
          <Link href="/sign-in" className="inline-flex rounded-md bg-indigo-700 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-800">
            Sign in again
          </Link>
        </Card>
      </div>
    );
  }
  const thing = view.kind === "tel" ? "number" : "address";
  const { offers } = view;
  const yours = offers.passkey || offers.otherIdentifier || offers.ownAccount;

  return (
    <div className="mx-auto flex max-w-xl flex-col gap-6">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-bold">Is this your account?</h1>
        <p className="text-slate-700">
          Your code proved that you hold <strong>{view.maskedIdentifier}</strong>.{" "}
          {view.reason === "passkey"
            ? `This ${thing} is on an account here that is protected by a passkey, so a code alone does not open it.`
            : `Nobody has signed in here with this ${thing} for more than ${LONG_ABSENCE_DAYS} days. Phone numbers and email addresses are given to new people once their holders give them up, so we ask before opening the account it is on.`}{" "}
          Nothing of that account is shown until you choose.
        </p>
      </div>

      {yours && (
        <Card title="It is my account" description={offers.ownAccount ? `If you have had this ${thing} all along, open your account.` : "Show it is yours with something only you have."}>
          <div className="flex flex-col gap-6">
            {offers.passkey && (
              <div className="flex flex-col gap-2">
                <h3 className="text-sm font-semibold text-slate-900">With your passkey</h3>
                <PasskeySignInButton start={startPasskeyStepUpAction} finish={finishPasskeyStepUpAction} label="Use your passkey" />
              </div>
            )}
            {offers.otherIdentifier && (
              <div className="flex flex-col gap-2">
                <h3 className="text-sm font-semibold text-slate-900">{offers.passkey ? "Or with" : "With"} a code to another of your numbers or addresses</h3>
                {view.codeChallenge ? (
                  <EnterCodeForm
                    idPrefix="step-up"
                    challenge={{ ...view.codeChallenge, expiresAt: view.codeChallenge.expiresAt.toISOString() }}
                    verifyAction={verifyStepUpCodeAction}
                    resendAction={resendStepUpCodeAction}
                    startOverAction={chooseAnotherIdentifier}
                    submitLabel="Confirm"
                    startOverLabel="Use a different one"
                    onlyIfKnown
                  />
                ) : (
                  <RequestCodeForm
                    action={requestStepUpCodeAction}
                    idPrefix="step-up"
                    label="Another phone number or email address of this account"
                    hint="Type it in full: for the account's privacy, we do not show which ones it has."
                  />
                )}
              </div>
            )}
            {offers.ownAccount && <OwnAccountForm action={confirmOwnAccountAction} />}
          </div>
        </Card>
      )}

      <Card
        title={`I am the new holder of this ${thing}`}
        description={`Was this ${thing} given to you recently? It may still be on its previous holder's account. Choose this and it moves to a new account of your own: you see nothing of the previous account, its mappings of this ${thing} stop being served at once, and its holder is told, without learning who you are.`}
      >
        <NewHolderChoice masked={view.maskedIdentifier} thing={thing} action={claimAsNewHolderAction} />
      </Card>

      <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
        <p>This step lasts 10 minutes from your code. Leaving it moves nothing.</p>
        <form action={abandonStepUpAction}>
          <button type="submit" className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
            Start again
          </button>
        </form>
      </div>
    </div>
  );
}
