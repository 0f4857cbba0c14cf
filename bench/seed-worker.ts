/**
 * One seeding process (forked by bench/seed.ts). It owns groups g = worker, worker + workers, ... of
 * `perPasskey` mappings each; per group: a user, a software passkey registered through the same WebAuthn
 * verification the app runs, and for every mapping of the group a verified identifier, the app's document
 * (buildDocument + RFC 8785), a genuine assertion over computeMappingChallenge(document), and a binding signed
 * with the DP's active key by the app's own loadActiveSigningKey. One transaction per group, rows sent with COPY.
 * At most one group is held in memory.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { verifyRegistrationResponse } from "@simplewebauthn/server";
import { openRawClient, wrapClient } from "@/db/client";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { parseIdentifier, canonicalize, type BindingClaims, computeMappingChallenge } from "@mimi-discovery/msp-kit";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { buildDocument } from "@/lib/mappings/build-document";
import { serializeMapping } from "@/lib/lookup/lookup-csis";
import { coseToJwk } from "@/lib/passkeys/cose-to-jwk";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { copyRows } from "./copy";
import { csiAt, draftAt } from "./dataset";

export type SeedTask = {
  databaseUrl: string;
  authSecret: string;
  issuer: string;
  n: number;
  perPasskey: number;
  worker: number;
  workers: number;
  /** ISO time every mapping was created at (whole seconds, as buildDocument writes it). */
  now: string;
  ttlDays: number;
};

export type SeedMessage =
  | { type: "progress"; mappings: number; groups: number }
  | { type: "done"; mappings: number; groups: number }
  | { type: "error"; message: string };

const ES256 = -7;

/** The same choice publishMapping makes for the binding's amr. */
function methodOf(uri: string, lineType: string | null): BindingClaims["amr"][number] {
  if (uri.startsWith("mailto:")) return "otp-email";
  return lineType === "fixed_line" ? "otp-voice" : "otp-sms";
}

async function registerPasskey(userId: string, rpId: string, origin: string) {
  const authenticator = await SoftwareAuthenticator.create();
  const challenge = randomBytes(32).toString("base64url");
  const registration = await authenticator.register({ challenge, rp: { id: rpId }, user: { id: Buffer.from(userId).toString("base64url") } }, origin);
  // What finishPasskeyRegistration accepts, checked the same way.
  const verification = await verifyRegistrationResponse({
    response: registration,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpId,
    requireUserVerification: true,
    supportedAlgorithmIDs: [ES256],
  });
  if (!verification.verified || !verification.registrationInfo) throw new Error("the software passkey's registration did not verify");
  const { credential, credentialBackedUp, credentialDeviceType } = verification.registrationInfo;
  return {
    authenticator,
    row: {
      id: randomUUID(),
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString("base64url"),
      jwk: coseToJwk(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
      backupEligible: credentialDeviceType === "multiDevice",
      backupState: credentialBackedUp,
    },
  };
}

async function run(task: SeedTask): Promise<{ mappings: number; groups: number }> {
  const raw = openRawClient({ url: task.databaseUrl });
  if (raw.driver !== "postgres") throw new Error("unreachable: a URL opens postgres.js");
  const { sql } = raw;
  const rpId = new URL(task.issuer).hostname;
  const origin = new URL(task.issuer).origin;
  const now = new Date(task.now);
  const nowIso = now.toISOString();
  const iat = Math.floor(now.getTime() / 1000);
  let mappings = 0;
  let groups = 0;
  try {
    const key = await loadActiveSigningKey(wrapClient(raw), deriveAppKeys(task.authSecret).sealing);
    const groupCount = Math.ceil(task.n / task.perPasskey);
    for (let group = task.worker; group < groupCount; group += task.workers) {
      const first = group * task.perPasskey;
      const last = Math.min(task.n, first + task.perPasskey);
      const userId = randomUUID();
      const passkey = await registerPasskey(userId, rpId, origin);
      const identifierRows: unknown[][] = [];
      const mappingRows: unknown[][] = [];
      let counter = passkey.row.counter;
      for (let index = first; index < last; index += 1) {
        const csi = csiAt(index);
        const parsed = parseIdentifier(csi);
        if (parsed.uri !== csi) throw new Error(`${csi} is not in normalised form (the app normalises it to ${parsed.uri})`);
        const lineType = parsed.kind === "tel" ? parsed.lineType : null;
        identifierRows.push([randomUUID(), csi, parsed.kind, lineType, userId, nowIso, nowIso]);

        const document = buildDocument({ draft: { identifierId: userId, ...draftAt(index) }, issuer: task.issuer, csi, seq: 1, now, ttlDays: task.ttlDays });
        const canonical = canonicalize(document);
        const assertion = await passkey.authenticator.authenticate({ challenge: await computeMappingChallenge(document), rpId, origin });
        counter = Buffer.from(assertion.response.authenticatorData, "base64url").readUInt32BE(33);
        const binding = await key.sign({
          iss: task.issuer,
          sub: csi,
          cnf: { jwk: passkey.row.jwk },
          amr: [methodOf(csi, lineType)],
          iat,
          exp: Math.floor(Date.parse(document.expires) / 1000),
        });
        const id = randomUUID();
        const stored = {
          credential_id: assertion.id,
          authenticator_data: assertion.response.authenticatorData,
          client_data_json: assertion.response.clientDataJSON,
          signature: assertion.response.signature,
        };
        mappingRows.push([
          id,
          userId,
          csi,
          document.seq,
          document.label,
          document.fresh,
          document.entries.length > 0,
          canonical,
          binding,
          key.kid,
          JSON.stringify(stored),
          // What publishMapping writes: the served bytes, made once.
          serializeMapping({ id, document: canonical, binding, assertion: stored }),
          passkey.row.id,
          "active",
          nowIso,
          new Date(document.expires).toISOString(),
        ]);
      }
      await sql.begin(async (tx) => {
        await tx`insert into users (id, name, created_at) values (${userId}, ${`bench user ${group}`}, ${nowIso}::timestamptz)`;
        const row = passkey.row;
        await tx`insert into passkeys (id, user_id, credential_id, public_key, public_key_jwk, counter, transports, backup_eligible, backup_state, name, created_at, last_used_at)
          values (${row.id}, ${userId}, ${row.credentialId}, ${row.publicKey}, ${JSON.stringify(row.jwk)}::jsonb, ${counter},
                  ${JSON.stringify(row.transports)}::jsonb, ${row.backupEligible}, ${row.backupState}, 'bench passkey', ${nowIso}::timestamptz, ${nowIso}::timestamptz)`;
        await copyRows(tx, "identifiers", ["id", "uri", "kind", "line_type", "user_id", "verified_at", "created_at"], identifierRows);
        await copyRows(
          tx,
          "mappings",
          ["id", "user_id", "csi", "seq", "label", "fresh", "lists_msps", "document", "binding", "binding_kid", "assertion", "served", "passkey_id", "status", "created_at", "expires_at"],
          mappingRows,
        );
      });
      mappings += last - first;
      groups += 1;
      process.send!({ type: "progress", mappings, groups } satisfies SeedMessage);
    }
    return { mappings, groups };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

process.once("message", (task: SeedTask) => {
  run(task).then(
    (totals) => {
      process.send!({ type: "done", ...totals } satisfies SeedMessage, () => process.exit(0));
    },
    (error: unknown) => {
      process.send!({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies SeedMessage, () => process.exit(1));
    },
  );
});
// The parent died or stopped us: nothing of ours outlives it.
process.on("disconnect", () => process.exit(0));
