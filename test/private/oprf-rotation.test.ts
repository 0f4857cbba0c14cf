import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOprfRecordsStep } from "@/lib/private/build-oprf-records";
import { rotateOprfKey } from "@/lib/private/oprf-keys";
import { forgetPublishedOprfKeys } from "@/lib/private/published-oprf-keys";
import { countRecords } from "@/lib/private/write-records";
import { createPrivateLookupClient, createTokenClient, type BatchSlot } from "@mimi-discovery/msp-kit";
import { getDb } from "@/db/index";
import { testKeys } from "@/test/support/otp-harness";
import { createPrivateHarness } from "./private-harness";

/**
 * OPRF key rotation (README, "Private lookups"): a new key's records are built in the background while the old key
 * answers; the metadata lists both; clients switch when it is complete. Under a steady stream of private lookups,
 * from clients that started before, during and after, not one lookup fails or answers wrongly.
 */
let h: Awaited<ReturnType<typeof createPrivateHarness>>;
let mspKey: string;
const BOOK = ["bob@example.com", "+33 6 12 34 56 78", "carol@example.com", "dave@example.org", "+33 6 70 00 00 01", "nobody@example.com"];
const EXPECTED = ["found", "opted_out", "found", "found", "found", "none"];

beforeAll(async () => {
  h = await createPrivateHarness();
  mspKey = await h.app.mspKey("chat.example");
  await h.app.publishFor("bob@example.com");
  await h.app.publishFor("+33 6 12 34 56 78", { entries: [] });
  await h.app.publishFor("carol@example.com");
  await h.app.publishFor("dave@example.org");
  await h.app.publishFor("+33 6 70 00 00 01");
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const tokenClient = () => createTokenClient({ dp: h.dp, apiKey: mspKey });
const results = (slots: BatchSlot[]) => slots.map((slot) => ("error" in slot ? "error" : slot.ok ? slot.result : `unverified ${slot.result}`));

async function epochs() {
  const metadata = (await (await fetch(`${h.dp}/.well-known/mimi-discovery`)).json()) as { private_lookup: { oprf: { keys: { epoch: number; state: string }[] } } };
  return metadata.private_lookup.oprf.keys.map((key) => `${key.epoch}:${key.state}`);
}

describe("OPRF key rotation under load", () => {
  it("loses no lookup: the old key answers while the new one builds, the metadata lists both, clients switch once it is complete", async () => {
    expect(await epochs()).toEqual(["1:active"]);
    // A client that read the metadata before the rotation keeps using key 1 throughout.
    const early = createPrivateLookupClient({ dp: h.dp, relay: h.relay });
    const tokens = tokenClient();
    const outcomes: { epochSeen: string[]; answers: string[] }[] = [];
    const failures: unknown[] = [];
    let stop = false;
    let late = false;
    const expected = () => (late ? EXPECTED.map((value, index) => (index === 5 ? "found" : value)) : EXPECTED);

    const worker = async (fresh: boolean) => {
      while (!stop) {
        const client = fresh ? createPrivateLookupClient({ dp: h.dp, relay: h.relay }) : early;
        const wasLate = late;
        try {
          const needed = await client.tokensNeeded(BOOK);
          const answers = results(await client.lookup(BOOK, { tokens: await tokens.fetchTokens(needed) }));
          // "nobody" is published during the build: before that it must be none, after it found; in between, either.
          const want = expected();
          const matches = answers.every((answer, index) => answer === want[index] || (index === 5 && wasLate !== late && ["none", "found"].includes(answer)));
          if (!matches) failures.push({ fresh, answers, want });
          outcomes.push({ epochSeen: await epochs(), answers });
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const load = [worker(false), worker(true), worker(true)];

    const waitForLookups = async (count: number) => {
      const target = outcomes.length + count;
      while (outcomes.length < target && failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await waitForLookups(3);
    expect(await rotateOprfKey(h.app.db, testKeys.sealing, new Date())).toEqual({ building: 2, created: true });
    // The DP's handlers run on getDb(); an instance learns a new key within KEY_CACHE_MS, this one at once.
    forgetPublishedOprfKeys(getDb());
    expect(await epochs()).toEqual(["1:active", "2:building"]);
    // The build runs in steps, with lookups between them and a publish in the middle of it.
    let step = await buildOprfRecordsStep(h.app.db, testKeys.sealing, new Date());
    await waitForLookups(3);
    await h.app.publishFor("nobody@example.com");
    late = true;
    await waitForLookups(3);
    while (step.building) {
      step = await buildOprfRecordsStep(h.app.db, testKeys.sealing, new Date());
      await waitForLookups(1);
    }
    expect(step.activated).toBe(2);
    forgetPublishedOprfKeys(getDb());
    expect(await epochs()).toEqual(["2:active", "1:retiring"]);
    await waitForLookups(6);
    stop = true;
    await Promise.all(load);

    expect(failures).toEqual([]);
    // Both keys hold a record for every CSI with a mapping, the late publish included.
    const counts = await countRecords(h.app.db, [1, 2]);
    expect([counts.get(1), counts.get(2)]).toEqual([6, 6]);
    // Lookups ran before, during and after the build.
    const phases = new Set(outcomes.map((outcome) => outcome.epochSeen.join(",")));
    expect([...phases]).toEqual(expect.arrayContaining(["1:active", "1:active,2:building", "2:active,1:retiring"]));
    // A client that started after the switch uses key 2; the early one still gets right answers from key 1.
    const after = createPrivateLookupClient({ dp: h.dp, relay: h.relay });
    expect(results(await after.lookup(BOOK, { tokens: await tokens.fetchTokens(await after.tokensNeeded(BOOK)) }))).toEqual(expected());
    expect(results(await early.lookup(BOOK, { tokens: await tokens.fetchTokens(await early.tokensNeeded(BOOK)) }))).toEqual(expected());
  }, 120_000);
});
