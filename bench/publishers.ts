import { randomUUID } from "node:crypto";
import { and, inArray, like } from "drizzle-orm";
import { mappings, users } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { createSession } from "@/lib/auth/create-session";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/passkeys/register-passkey";
import { relyingPartyFor } from "@/lib/passkeys/relying-party";
import { lockCsis, writeRecords } from "@/lib/private/write-records";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { copyRows } from "./copy";
import type { BenchDatabase } from "./database";

/**
 * The publish phase's recipients, set up in the database the way the app would and not measured: a user, verified
 * identifiers (written directly, as seeding writes them; the one-time codes that verify them are not what the phase
 * measures), the account's passkey registered through the app's own startPasskeyRegistration and
 * finishPasskeyRegistration with a software authenticator, and a session just signed in (createSession, so it also
 * counts as a recent authentication). Their identifiers are `mailto:bench-publish-<p>-<k>@example.com`, outside
 * the seeded identifiers and the never-seeded ones the lookup phases ask for (`bench-<index>@`, `tel:`).
 */
export type Publisher = { userId: string; cookie: string; authenticator: SoftwareAuthenticator; identifiers: { id: string; csi: string }[] };

const NAME_PREFIX = "bench publisher ";
const publishCsi = (publisher: number, index: number) => `mailto:bench-publish-${publisher}-${index}@example.com`;

export async function createPublishers(database: BenchDatabase, options: { count: number; identifiersEach: number; now: Date }): Promise<Publisher[]> {
  const issuer = database.state.issuer;
  const rp = relyingPartyFor(issuer);
  const nowIso = options.now.toISOString();
  const publishers: Publisher[] = [];
  for (let publisher = 0; publisher < options.count; publisher += 1) {
    const userId = randomUUID();
    await database.db.insert(users).values({ id: userId, name: `${NAME_PREFIX}${publisher}`, createdAt: options.now });
    const rows = Array.from({ length: options.identifiersEach }, (_, index) => {
      const csi = publishCsi(publisher, index);
      const parsed = parseIdentifier(csi);
      if (parsed.uri !== csi) throw new Error(`${csi} is not in normalised form`);
      return { id: randomUUID(), csi };
    });
    await database.sql.begin((tx) => copyRows(tx, "identifiers", ["id", "uri", "kind", "user_id", "verified_at", "created_at"], rows.map((row) => [row.id, row.csi, "mailto", userId, nowIso, nowIso])));

    const authenticator = await SoftwareAuthenticator.create();
    const started = await startPasskeyRegistration({ db: database.db, rp, userId, userName: `${NAME_PREFIX}${publisher}`, now: options.now });
    const response = await authenticator.register(started.options, issuer);
    await finishPasskeyRegistration({ db: database.db, rp, userId, challengeId: started.challengeId, name: "bench passkey", response: response as never, now: options.now });
    const session = await createSession({ tx: database.db, userId, now: options.now });
    publishers.push({ userId, cookie: `${sessionCookieName(issuer)}=${session.token}`, authenticator, identifiers: rows });
  }
  return publishers;
}

/** CSIs per transaction while removing: each takes an advisory lock, and a transaction's lock table is small. */
const CSIS_PER_STEP = 50;

/**
 * Removes every publish-phase recipient (this run's and any an interrupted run left), with their identifiers,
 * passkeys, sessions and mappings, so the database is as seeded and a later --reuse run measures the same N. The
 * published identifiers go a few at a time, each under its lock as the app changes them: their mappings deleted and
 * their private-lookup records rewritten with the app's writeRecords (which drops them now that the lookup says
 * "none"). Then the users, whose foreign keys cascade to the rest. Audit rows stay, without their actor, as the
 * app keeps them when an account goes.
 */
export async function removePublishers(database: BenchDatabase, sealingKey: Buffer, now: Date): Promise<number> {
  const { db } = database;
  const ids = (await db.select({ id: users.id }).from(users).where(like(users.name, `${NAME_PREFIX}%`))).map((row) => row.id);
  if (ids.length === 0) return 0;
  const published = (await db.selectDistinct({ csi: mappings.csi }).from(mappings).where(inArray(mappings.userId, ids))).map((row) => row.csi);
  for (let at = 0; at < published.length; at += CSIS_PER_STEP) {
    const csis = published.slice(at, at + CSIS_PER_STEP);
    await withTransaction(db, async (tx) => {
      await lockCsis(tx, csis);
      await tx.delete(mappings).where(and(inArray(mappings.userId, ids), inArray(mappings.csi, csis)));
      await writeRecords(tx, { sealingKey, csis, now });
    });
  }
  await db.delete(users).where(inArray(users.id, ids));
  return ids.length;
}
