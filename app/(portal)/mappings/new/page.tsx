import { isNull } from "drizzle-orm";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { getDb } from "@/db/index";
import { msps } from "@/db/schema";
import { getEnv } from "@/env";
import { listIdentifiers } from "@/lib/accounts/list-identifiers";
import { requireSession } from "@/web/current-session";
import { now } from "@/lib/clock";
import { displayIdentifier } from "@/lib/identifiers/display";
import { listMappingsForUser } from "@/lib/mappings/list-mappings";
import { listPasskeys } from "@/lib/passkeys/manage-passkeys";
import { emptyEntry, stateFromDocument } from "./_components/editor-state";
import { MappingEditor } from "./_components/mapping-editor";
import type { Signer } from "./_components/signing-passkey";

export const metadata: Metadata = { title: "New mapping" };

export default async function NewMappingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession();
  const params = await searchParams;
  const db = getDb();
  const [identifiers, registry, passkeyRows] = await Promise.all([
    listIdentifiers(db, session.userId),
    // Deleted MSPs stay in the table (old mappings keep their meaning) but can no longer be chosen.
    db.select({ id: msps.id, name: msps.displayName }).from(msps).where(isNull(msps.deletedAt)).orderBy(msps.displayName),
    listPasskeys(db, session.userId),
  ]);
  if (passkeyRows.length === 0) {
    return (
      <div className="flex flex-col gap-4">
        <h1 className="text-2xl font-bold">New mapping</h1>
        <Alert tone="info">
          Mappings are signed with a passkey. <Link href="/account" className="underline">Register a passkey on your account page</Link> first.
        </Alert>
      </div>
    );
  }
  const wanted = typeof params.identifier === "string" ? params.identifier : undefined;
  const identifier = identifiers.find((row) => row.id === wanted) ?? identifiers[0];
  if (!identifier) redirect("/account");
  const from = typeof params.from === "string" ? params.from : undefined;
  const editing = from ? (await listMappingsForUser(db, session.userId, now())).find((mapping) => mapping.id === from) : undefined;
  const initial = editing
    ? stateFromDocument(identifiers.find((row) => row.uri === editing.csi)?.id ?? identifier.id, editing.document)
    : { identifierId: identifier.id, label: "Personal", fresh: false, entries: registry[0] ? [{ ...emptyEntry(registry[0].id), tags: ["Default"] }] : [] };

  // As lib/passkeys/signing-passkeys.ts decides: an identifier's own passkeys, else the account's.
  const signerOf = (identifierId: string): Signer => {
    const own = passkeyRows.filter((row) => row.identifierId === identifierId).map((row) => row.name);
    if (own.length > 0) return { kind: "own", names: own };
    const account = passkeyRows.filter((row) => row.identifierId === null).map((row) => row.name);
    return account.length > 0 ? { kind: "account", names: account } : null;
  };

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">{editing ? `Change “${editing.label}”` : "New mapping"}</h1>
        <p className="mt-1 text-slate-700">
          Choose the messaging services where people who know your number or email can reach you, and who may see each one.
        </p>
      </div>
      <MappingEditor
        identifiers={identifiers.map((row) => ({ id: row.id, display: displayIdentifier(row.uri), signer: signerOf(row.id) }))}
        msps={registry}
        initial={initial}
        defaultRegion={getEnv().defaultPhoneRegion}
      />
    </div>
  );
}
