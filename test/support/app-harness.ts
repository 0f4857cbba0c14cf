import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { csipClaims, csips, identifiers, msps } from "@/db/schema";
import type { DatabaseOptions } from "@/db/client";
import { installDatabase } from "@/db/index";
import { installEnv, parseEnv, type Env } from "@/env";
import { closeSharedRedis } from "@/lib/rate-limit/redis-client";
import { closeKeyAuthenticator } from "@/http/key-authenticator";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { generateApiKey } from "@/lib/api-keys/api-key-format";
import { apiKeys } from "@/db/schema";
import { seedDemoMsps } from "@/lib/bootstrap/demo-msps";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { ensureIssuerKey } from "@/lib/private/issuer-keys";
import { ensureOhttpKey } from "@/lib/private/ohttp-keys";
import { ensureOprfKey } from "@/lib/private/oprf-keys";
import { buildOprfRecords } from "@/lib/private/build-oprf-records";
import { mappingDraftSchema, type MappingDraft } from "@/lib/mappings/draft-schema";
import { prepareMapping } from "@/lib/mappings/prepare-mapping";
import { publishMapping } from "@/lib/mappings/publish-mapping";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/passkeys/register-passkey";
import { relyingPartyFor } from "@/lib/passkeys/relying-party";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { createOtpHarness, testKeys } from "./otp-harness";
import { createTestDatabase, type TestDatabase } from "./test-database";

const DEFAULT_ORIGIN = "http://localhost:3000";

/**
 * Runs the app's route handlers in-process against a fresh database: the configuration and the database client
 * are installed where getEnv() and getDb() find them, as the custom server does at start.
 */
export async function createAppHarness(overrides: Record<string, string> = {}, options: { databaseServerUrl?: string; databaseOptions?: DatabaseOptions } = {}) {
  const testDb: TestDatabase = await createTestDatabase({
    ...(options.databaseServerUrl ? { serverUrl: options.databaseServerUrl } : {}),
    ...(options.databaseOptions ? { clientOptions: options.databaseOptions } : {}),
  });
  const env: Env = parseEnv({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-app-")),
    AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
    PUBLIC_ORIGIN: DEFAULT_ORIGIN,
    MAX_BATCH: "50",
    ...overrides,
  });
  installEnv(env);
  installDatabase(testDb.raw);
  await ensureSigningKey(testDb.db, testKeys.sealing);
  await ensureOhttpKey(testDb.db, testKeys.sealing);
  await ensureIssuerKey(testDb.db, testKeys.sealing);
  await ensureOprfKey(testDb.db, testKeys.sealing);
  await buildOprfRecords(testDb.db, testKeys.sealing, () => new Date());
  await seedDemoMsps(testDb.db);
  const db = testDb.db;
  const origin = env.publicOrigin;
  const rp = relyingPartyFor(origin);
  const holders = new Map<string, { userId: string; identifierId: string; authenticator: SoftwareAuthenticator }>();

  async function newHolder(identifier: string) {
    const otp = createOtpHarness(db);
    const { challengeId } = await otp.request(identifier, { clientIp: `192.0.2.${Math.floor(Math.random() * 250)}` });
    const signedIn = await signInWithCode({ db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now() });
    if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.reason}`);
    if (signedIn.status !== "signed_in") throw new Error("sign-in asked for a step-up: publishFor wants an identifier no other harness call made");
    const [row] = await db.select().from(identifiers).where(eq(identifiers.userId, signedIn.userId));
    const authenticator = await SoftwareAuthenticator.create();
    const registration = await startPasskeyRegistration({ db, rp, userId: signedIn.userId, userName: identifier, now: new Date() });
    await finishPasskeyRegistration({
      db,
      rp,
      userId: signedIn.userId,
      challengeId: registration.challengeId,
      name: "key",
      response: (await authenticator.register(registration.options, origin)) as never,
      now: new Date(),
    });
    return { userId: signedIn.userId, identifierId: row!.id, authenticator };
  }

  return {
    db,
    env,
    origin,
    /** The harness's database on the PostgreSQL server; unset on PGlite. */
    databaseUrl: testDb.url,
    /** Its client, for installing it again beside a replica (db/index.ts installDatabase). */
    raw: testDb.raw,
    close: async () => {
      await closeKeyAuthenticator();
      closeSharedRedis();
      await testDb.close();
    },

    /** An MSP key as the operator console issues it; limits set on the MSP. */
    async mspKey(mspId = "chat.example", limits: { burst?: number; refill?: number } = {}): Promise<string> {
      await db.insert(msps).values({ id: mspId, displayName: mspId }).onConflictDoNothing();
      await db
        .update(msps)
        .set({ lookupBurst: limits.burst ?? 10_000, lookupRefillPerSecond: limits.refill ?? 1_000 })
        .where(eq(msps.id, mspId));
      const { key, prefix, hash } = generateApiKey("msp");
      await db.insert(apiKeys).values({ ownerKind: "msp", mspId, label: "test", prefix, keyHash: hash, createdAt: new Date() });
      return key;
    },

    async csipKey(csipId?: string): Promise<string> {
      const id = csipId ?? (await db.insert(csips).values({ name: "Test telco", createdAt: new Date() }).returning({ id: csips.id }))[0]!.id;
      const { key, prefix, hash } = generateApiKey("csip");
      await db.insert(apiKeys).values({ ownerKind: "csip", csipId: id, label: "test", prefix, keyHash: hash, createdAt: new Date() });
      return key;
    },

    /** A CSIP with approved claims (E.164 prefixes or email domains), and optionally the MSPs it operates. */
    async csip(name: string, claims: { kind: "e164_prefix" | "email_domain"; value: string }[], operates: string[] = []) {
      const [row] = await db.insert(csips).values({ name, createdAt: new Date() }).returning({ id: csips.id });
      for (const claim of claims) await db.insert(csipClaims).values({ csipId: row!.id, ...claim, status: "approved", createdAt: new Date() });
      for (const mspId of operates) {
        await db.insert(msps).values({ id: mspId, displayName: mspId }).onConflictDoNothing();
        await db.update(msps).set({ operatorCsipId: row!.id }).where(eq(msps.id, mspId));
      }
      return { id: row!.id, key: await this.csipKey(row!.id) };
    },

    /** A recipient who proved `identifier` and published a genuinely signed mapping for it. */
    /**
     * A mapping published by the holder of `identifier`, signed with their passkey. The first call makes the account
     * (a code, then a passkey); later calls for the same identifier publish again from that account, as its holder
     * would, since a code alone no longer opens an account that has a passkey.
     */
    async publishFor(identifier: string, draft: Partial<Omit<MappingDraft, "identifierId">> = {}) {
      const holder = holders.get(identifier) ?? (await newHolder(identifier));
      holders.set(identifier, holder);
      const { userId, identifierId, authenticator } = holder;
      const prepared = await prepareMapping({
        db,
        rp,
        issuer: origin,
        userId,
        draft: mappingDraftSchema.parse({
          identifierId,
          label: "Personal",
          fresh: false,
          entries: [{ msp: "chat.example", tags: ["Default"], audience: { kind: "everyone" } }],
          ...draft,
        }),
        ttlDays: 365,
        now: new Date(),
      });
      const response = (await authenticator.authenticate({ challenge: prepared.options.challenge, rpId: rp.rpId, origin })) as never;
      const published = await publishMapping({ db, rp, issuer: origin, sealingKey: testKeys.sealing, userId, challengeId: prepared.challengeId, response, now: new Date() });
      return { ...published, authenticator, rp };
    },
  };
}

/** A JSON POST as an MSP would send it. */
export function apiRequest(url: string, body: unknown, options: { key?: string; headers?: Record<string, string>; raw?: string } = {}) {
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    body: options.raw ?? JSON.stringify(body),
  });
}
