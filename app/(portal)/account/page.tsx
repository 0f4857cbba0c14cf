import type { Metadata } from "next";
import { EnterCodeForm } from "@/components/enter-code-form";
import { RequestCodeForm } from "@/components/request-code-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/index";
import { listIdentifiers } from "@/lib/accounts/list-identifiers";
import { isFreshlyAuthenticated, REAUTH_WINDOW_MS } from "@/lib/auth/session-rules";
import { currentChallenge } from "@/web/code-challenge";
import { requireSession } from "@/web/current-session";
import { now } from "@/lib/clock";
import { displayIdentifier } from "@/lib/identifiers/display";
import type { ChallengeSummary } from "@/lib/otp/find-challenge";
import { listPasskeys } from "@/lib/passkeys/manage-passkeys";
import { IdentifierList } from "./_components/identifier-list";
import { PasskeyList } from "./_components/passkey-list";
import { RegisterPasskey } from "@/components/register-passkey";
import { removePasskeyAction } from "./passkey-actions";
import { ReauthForm } from "./_components/reauth-form";
import {
  cancelAddIdentifier,
  cancelReauth,
  removeIdentifierAction,
  requestAddIdentifierCode,
  requestReauthCode,
  resendAddIdentifierCode,
  resendReauthCode,
  verifyAddIdentifierCode,
  verifyReauthCode,
} from "./actions";

export const metadata: Metadata = { title: "Your account" };

const view = (challenge: ChallengeSummary) => ({ ...challenge, expiresAt: challenge.expiresAt.toISOString() });

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession();
  const params = await searchParams;
  const identifiers = await listIdentifiers(getDb(), session.userId);
  const passkeyRows = (await listPasskeys(getDb(), session.userId)).map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    synced: row.backupState,
    onlyFor: row.identifierId ? (identifiers.find((identifier) => identifier.id === row.identifierId)?.uri ?? null) : null,
  })).map((row) => ({ ...row, onlyFor: row.onlyFor ? displayIdentifier(row.onlyFor) : null }));
  const fresh = isFreshlyAuthenticated(session, now());
  const reauthChallenge = fresh ? null : await currentChallenge("reauthenticate", session.userId);
  const addChallenge = fresh ? await currentChallenge("add_identifier", session.userId) : null;
  const rows = identifiers.map((row) => ({
    id: row.id,
    display: displayIdentifier(row.uri),
    kind: row.kind,
    verifiedAt: row.verifiedAt.toISOString(),
  }));

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Your account</h1>
      {params.welcome && <Alert tone="success">Welcome! Your account is ready.</Alert>}
      {params.moved && (
        <Alert tone="info">
          The number or address you proved was on an earlier account. It is yours alone now: that account&apos;s mappings of it were removed, and
          its holder was told, without learning who you are.
        </Alert>
      )}
      {params.added && <Alert tone="success">The identifier was added to your account.</Alert>}

      <Card title="Your identifiers" description="The phone numbers and email addresses you have proven are yours. You can sign in with any of them.">
        <IdentifierList rows={rows} canRemove={fresh} removeAction={removeIdentifierAction} />
        {!fresh && rows.length > 1 && (
          <p className="mt-3 text-sm text-slate-600">To remove an identifier, confirm it is you first.</p>
        )}
      </Card>

      <Card
        title="Passkeys"
        description="A passkey signs you in without a code and signs your mappings, so that anyone can check you authorised them."
      >
        <PasskeyList rows={passkeyRows} canRemove={fresh} removeAction={removePasskeyAction} />
        <div className="mt-5 border-t border-slate-200 pt-5">
          {fresh ? (
            <RegisterPasskey suggestedName={passkeyRows.length === 0 ? "My passkey" : `Passkey ${passkeyRows.length + 1}`} />
          ) : (
            <p className="text-sm text-slate-600">To add or remove a passkey, confirm it is you first.</p>
          )}
        </div>
      </Card>

      {fresh ? (
        <Card
          title="Add an identifier"
          description="Add another phone number or email address. We send it a code to prove it is yours."
        >
          {addChallenge ? (
            <EnterCodeForm
              idPrefix="add"
              challenge={view(addChallenge)}
              verifyAction={verifyAddIdentifierCode}
              resendAction={resendAddIdentifierCode}
              startOverAction={cancelAddIdentifier}
              submitLabel="Add identifier"
              startOverLabel="Cancel"
            />
          ) : (
            <RequestCodeForm action={requestAddIdentifierCode} idPrefix="add" label="New phone number or email address" />
          )}
        </Card>
      ) : (
        <Card
          title="Confirm it is you"
          description={`Adding or removing an identifier needs a sign-in from the last ${REAUTH_WINDOW_MS / 60_000} minutes. We send a code to one of your identifiers.`}
        >
          {reauthChallenge ? (
            <EnterCodeForm
              idPrefix="reauth"
              challenge={view(reauthChallenge)}
              verifyAction={verifyReauthCode}
              resendAction={resendReauthCode}
              startOverAction={cancelReauth}
              submitLabel="Confirm"
              startOverLabel="Cancel"
            />
          ) : (
            <ReauthForm identifiers={rows} action={requestReauthCode} />
          )}
        </Card>
      )}
    </div>
  );
}
