import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as removals } from "@/app/api/v1/csip/removals/route";
import { isDatabaseUnavailable } from "@/db/errors";
import { auditLog, identifiers, mappings, tombstones } from "@/db/schema";
import { mappingDraftSchema } from "@/lib/mappings/draft-schema";
import { prepareMapping } from "@/lib/mappings/prepare-mapping";
import { publishMapping } from "@/lib/mappings/publish-mapping";
import { freePort, startApiServer } from "@/test/support/api-server";
import { createAppHarness } from "@/test/support/app-harness";
import { hammer, summarize, timed, type Answer } from "@/test/support/load";
import { testKeys } from "@/test/support/otp-harness";
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from "@/test/support/private-postgres";

/**
 * The fault test, on a PostgreSQL cluster of its own: lookups, publishes and CSIP removals run under load,
 * the postmaster is killed mid-write (SIGKILL, no shutdown), and started again. Every answer during the outage must
 * be a 503 (problem+json with Retry-After for the API) within the deadline; the same process must serve again
 * without a restart; every acknowledged publish and removal must be there with its audit row and tombstone; and
 * nothing may be half-written.
 */
const DEADLINE_MS = 1_000;
const MARGIN_MS = 750;
if (process.env.CI && !privatePostgresAvailable()) throw new Error("CI must run the PostgreSQL fault test: install PostgreSQL's server programs");

type Publisher = Awaited<ReturnType<Awaited<ReturnType<typeof createAppHarness>>["publishFor"]>> & { identifierId: string };
type Outcome = { kind: "acknowledged" | "unavailable"; ms: number; during: boolean };

let pg: PrivatePostgres;
let app: Awaited<ReturnType<typeof createAppHarness>>;
let server: { close: () => Promise<void> };
let base: string;
let mspKey: string;
let csipKey: string;
let outage = { from: Number.POSITIVE_INFINITY, to: Number.POSITIVE_INFINITY };
const publishers: Publisher[] = [];
const removalTargets: string[] = [];

const lookup = (signal: AbortSignal) =>
  fetch(`${base}/api/v1/lookup/batch`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${mspKey}` },
    body: JSON.stringify({ csis: ["pub0@publish.example", "rm0@removals.example", "nobody@example.com"] }),
    signal,
  });

describe.skipIf(!privatePostgresAvailable())("PostgreSQL killed under load", () => {
  beforeAll(async () => {
    pg = await startPrivatePostgres();
    app = await createAppHarness({ MAX_BATCH: "50" }, { databaseServerUrl: pg.url });
    mspKey = await app.mspKey("chat.example");
    csipKey = (await app.csip("Removals telco", [{ kind: "email_domain", value: "removals.example" }])).key;
    for (let index = 0; index < 4; index += 1) {
      const published = await app.publishFor(`pub${index}@publish.example`);
      const [row] = await app.db.select({ id: identifiers.id }).from(identifiers).where(eq(identifiers.userId, published.userId));
      publishers.push({ ...published, identifierId: row!.id });
    }
    for (let index = 0; index < 24; index += 1) {
      await app.publishFor(`rm${index}@removals.example`);
      removalTargets.push(`rm${index}@removals.example`);
    }
    const port = await freePort();
    server = await startApiServer({ port, origin: app.origin, routes: new Map([["/api/v1/csip/removals", removals]]) });
    base = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await app?.close().catch(() => {});
    await pg?.stop();
  });

  it("fails fast and closed while it is down, comes back without a restart, and loses nothing acknowledged", { timeout: 120_000 }, async () => {
    const acknowledgedPublishes: { id: string; seq: number }[] = [];
    const acknowledgedRemovals: string[] = [];
    const outcomes: Outcome[] = [];
    const during = (started: number) => started >= outage.from && started < outage.to;
    let running = true;

    // Each publisher signs a new version again and again, the way the mappings page does.
    const publishing = publishers.map(async (publisher) => {
      while (running) {
        const started = performance.now();
        try {
          const now = new Date();
          const prepared = await prepareMapping({
            db: app.db,
            rp: publisher.rp,
            issuer: app.origin,
            userId: publisher.userId,
            draft: mappingDraftSchema.parse({ identifierId: publisher.identifierId, label: "Personal", fresh: false, entries: [{ msp: "chat.example", tags: ["Default"], audience: { kind: "everyone" } }] }),
            ttlDays: 365,
            now,
          });
          const response = (await publisher.authenticator.authenticate({ challenge: prepared.options.challenge, rpId: publisher.rp.rpId, origin: app.origin })) as never;
          const row = await publishMapping({ db: app.db, rp: publisher.rp, issuer: app.origin, sealingKey: testKeys.sealing, userId: publisher.userId, challengeId: prepared.challengeId, response, now });
          acknowledgedPublishes.push({ id: row.id, seq: row.seq });
          outcomes.push({ kind: "acknowledged", ms: performance.now() - started, during: during(started) });
        } catch (error) {
          // During the outage the only acceptable failure is "unavailable", which every edge answers with a 503.
          if (!isDatabaseUnavailable(error)) throw error;
          outcomes.push({ kind: "unavailable", ms: performance.now() - started, during: during(started) });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    });

    // A CSIP removes identifiers one request at a time, each with its own Idempotency-Key, retrying what failed.
    const removalAnswers: (Answer & { during: boolean })[] = [];
    const removing = (async () => {
      const queue = [...removalTargets];
      while (running && queue.length > 0) {
        const csi = queue[0]!;
        const started = performance.now();
        const key = randomUUID();
        const answer = await timed((signal) =>
          fetch(`${base}/api/v1/csip/removals`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${csipKey}`, "idempotency-key": key },
            body: JSON.stringify({ items: [{ csi, reason: "other" }] }),
            signal,
          }),
        );
        removalAnswers.push({ ...answer, during: during(started) });
        if (answer.status === 200) {
          acknowledgedRemovals.push(`mailto:${csi}`);
          queue.shift();
        } else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const lookupsBefore = await hammer({ concurrency: 16, durationMs: 1_500, send: lookup });
    outage = { from: performance.now(), to: Number.POSITIVE_INFINITY };
    await pg.kill();
    const lookupsDuring = await hammer({ concurrency: 16, durationMs: 2_500, send: lookup });
    await pg.start();
    outage.to = performance.now();

    // The same process answers again, by itself.
    let recovered = false;
    for (let attempt = 0; attempt < 60 && !recovered; attempt += 1) {
      const answers = await hammer({ concurrency: 16, durationMs: 250, send: lookup });
      recovered = answers.length > 0 && answers.every((answer) => answer.status === 200);
    }
    expect(recovered).toBe(true);
    const lookupsAfter = await hammer({ concurrency: 16, durationMs: 1_500, send: lookup });
    running = false;
    await Promise.all([...publishing, removing]);

    expect(summarize(lookupsBefore)).toEqual({ "200": expect.objectContaining({ count: lookupsBefore.length }) });
    expect(summarize(lookupsAfter)).toEqual({ "200": expect.objectContaining({ count: lookupsAfter.length }) });

    // During the outage: 503 problem+json with Retry-After within the deadline (or a 200 finished just before).
    const bad = lookupsDuring.filter((answer) => (answer.status !== 503 && answer.status !== 200) || answer.ms > DEADLINE_MS + MARGIN_MS);
    expect(bad, JSON.stringify(summarize(lookupsDuring))).toEqual([]);
    const refused = lookupsDuring.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(lookupsDuring.length * 0.9);
    for (const answer of refused) {
      expect(answer.contentType).toBe("application/problem+json");
      expect(answer.code).toBe("service_unavailable");
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    const badRemovals = removalAnswers.filter((answer) => (answer.status !== 200 && answer.status !== 503) || (answer.during && answer.ms > DEADLINE_MS + MARGIN_MS));
    expect(badRemovals, JSON.stringify(summarize(removalAnswers))).toEqual([]);
    expect(removalAnswers.some((answer) => answer.during && answer.status === 503)).toBe(true);
    const slowPublishes = outcomes.filter((outcome) => outcome.during && outcome.kind === "unavailable" && outcome.ms > DEADLINE_MS + MARGIN_MS);
    expect(slowPublishes).toEqual([]);
    expect(outcomes.some((outcome) => outcome.during && outcome.kind === "unavailable")).toBe(true);
    expect(acknowledgedPublishes.length).toBeGreaterThan(publishers.length);
    expect(acknowledgedRemovals.length).toBeGreaterThan(0);

    // Nothing acknowledged is lost: each publish is there with its audit row.
    const rows = await app.db.select().from(mappings);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const audits = await app.db.select({ action: auditLog.action, subjectId: auditLog.subjectId }).from(auditLog).where(eq(auditLog.subjectType, "mapping"));
    const audited = (action: string) => new Set(audits.filter((audit) => audit.action === action).map((audit) => audit.subjectId));
    const published = audited("mapping.published");
    const removedAudits = audited("mapping.removed");
    for (const { id, seq } of acknowledgedPublishes) {
      expect(byId.get(id)?.seq).toBe(seq);
      expect(published.has(id)).toBe(true);
    }
    // Each acknowledged removal: every mapping of the identifier removed, each with its tombstone and audit row.
    const stones = await app.db.select().from(tombstones);
    const stoneFor = new Map(stones.map((stone) => [stone.mappingId, stone]));
    for (const csi of acknowledgedRemovals) {
      const ofCsi = rows.filter((row) => row.csi === csi);
      expect(ofCsi.length).toBeGreaterThan(0);
      for (const row of ofCsi) {
        expect(row.status).toBe("removed");
        expect(stoneFor.get(row.id)?.csi).toBe(csi);
        expect(removedAudits.has(row.id)).toBe(true);
      }
    }

    // Nothing half-written: every mapping has its publish audit; a tombstone exactly when removed, with its audit.
    for (const row of rows) {
      expect(published.has(row.id), `mapping ${row.id} has no publish audit`).toBe(true);
      expect(stoneFor.has(row.id), `mapping ${row.id} (${row.status})`).toBe(row.status === "removed");
      if (row.status === "removed") expect(removedAudits.has(row.id)).toBe(true);
    }
    expect(stones.length).toBe(new Set(stones.map((stone) => stone.mappingId)).size);
    // One active version per publisher at most, and it is the latest acknowledged or a later one.
    const active = await app.db.select({ csi: mappings.csi, count: sql<number>`count(*)::int` }).from(mappings).where(eq(mappings.status, "active")).groupBy(mappings.csi);
    expect(active.filter((group) => group.csi.endsWith("@publish.example")).every((group) => group.count === 1)).toBe(true);
  });
});
