import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseIdentifier } from "../identifiers/parse-identifier.ts";
import type { Audience, MappingDocument, MappingEntry } from "../wire/index.ts";
import { resolveForSender, type Resolution, type SenderContext } from "./resolve.ts";
import type * as Selectors from "./selectors.ts";
import { computeSelector, computeSelectors } from "./selectors.ts";

// Counts scrypt runs without changing them: the resolver must derive each salt's selector once per call.
vi.mock("./selectors.ts", async (importOriginal) => {
  const actual = await importOriginal<typeof Selectors>();
  return { ...actual, computeSelector: vi.fn(actual.computeSelector) };
});

const NOW = new Date("2027-01-01T00:00:00Z");
const SALT_A = "AQEBAQEBAQEBAQEBAQEBAQ"; // 16 bytes of 0x01
const SALT_B = "AgICAgICAgICAgICAgICAg"; // 0x02
const SALT_C = "AwMDAwMDAwMDAwMDAwMDAw"; // 0x03
const ALICE = "mailto:alice@example.com";
const CAROL = "mailto:carol@example.com";
const DAVE = "tel:+442079460958";
const PARENTS = ["tel:+14085551212", "mailto:pat@example.org", "mailto:sam@example.net"];

let aliceOnly: string[];
let carolOnly: string[];
let soccerParents: string[];
let aliceAndDave: string[];

beforeAll(async () => {
  [aliceOnly, carolOnly, soccerParents, aliceAndDave] = await Promise.all([
    computeSelectors([ALICE], SALT_A),
    computeSelectors([CAROL], SALT_B),
    computeSelectors(PARENTS, SALT_C),
    computeSelectors([ALICE, DAVE], SALT_C),
  ]);
});

function entry(msp: string, priority: number, audience: Audience, tags: string[] = []): MappingEntry {
  return { msp, tags, priority, audience };
}

function mapping(entries: MappingEntry[], overrides: Partial<MappingDocument> = {}, id?: string) {
  const document: MappingDocument = {
    v: 1,
    dp: "https://dp.example",
    csi: "tel:+14085550000",
    seq: 7,
    fresh: false,
    label: "Personal",
    created: "2026-11-22T10:00:00Z",
    expires: "2027-11-22T10:00:00Z",
    entries,
    ...overrides,
  };
  return id === undefined ? { document } : { id, document };
}

const everyone: Audience = { kind: "everyone" };
const sameMsp: Audience = { kind: "same_msp" };
const context = (...tags: string[]): Audience => ({ kind: "context", tags });
const senderMsps = (...msps: string[]): Audience => ({ kind: "sender_msps", msps });
const senders = (salt: string, selectors: string[]): Audience => ({ kind: "senders", salt, selectors });

function resolve(mappings: ReturnType<typeof mapping>[], sender: SenderContext) {
  return resolveForSender(mappings, sender, { now: NOW });
}

const preferredMsp = (resolution: Resolution) => resolution.preferred?.entry.msp ?? null;
const matchedMsps = (resolution: Resolution) => resolution.matches.map((match) => match.entry.msp);

describe("the recipient's critical user journeys", () => {
  it("CUJ 1, sender mapping preferences: only WhatsApp senders find Bob, and only on WhatsApp", async () => {
    const bob = [
      mapping([
        entry("whatsapp.example", 1, senderMsps("whatsapp.example")),
        entry("wire.example", 1, senderMsps("wire.example")),
      ]),
    ];
    const alice = await resolve(bob, { senderMsp: "whatsapp.example" });
    expect(preferredMsp(alice)).toBe("whatsapp.example");
    expect(matchedMsps(alice)).toEqual(["whatsapp.example"]);
    expect(alice.explanation).toContain("whatsapp.example: matches because the sender is on whatsapp.example, which it lists (sender MSPs rule).");
    expect(alice.explanation).toContain("wire.example: skipped, the sender is on whatsapp.example, and it is only for senders on wire.example.");

    const other = await resolve(bob, { senderMsp: "signal.example" });
    expect(other.preferred).toBeNull();
    expect(other.explanation.at(-1)).toBe("No answer: no entry is meant for this sender.");
  });

  it("CUJ 2, same-app preferences: each sender finds Bob on the service it is using, or not at all", async () => {
    const bob = [mapping(["chat.example", "work.example", "whatsapp.example"].map((msp) => entry(msp, 1, sameMsp)))];
    for (const msp of ["chat.example", "work.example", "whatsapp.example"]) {
      const resolution = await resolve(bob, { senderMsp: msp });
      expect(matchedMsps(resolution)).toEqual([msp]);
      expect(resolution.preferred?.specificity).toBe("msp");
    }
    const chat = await resolve(bob, { senderMsp: "Chat.Example" }); // domain names ignore case
    expect(chat.explanation).toContain("chat.example: matches because the sender is on chat.example (same MSP rule).");
    expect((await resolve(bob, { senderMsp: "signal.example" })).preferred).toBeNull();
  });

  it("CUJ 3, no-random: among ten mappings from several DPs, one answer, the same whatever the order", async () => {
    const bob = Array.from({ length: 10 }, (_, i) =>
      mapping(
        [entry(`msp${i}.example`, 1 + (i % 3), everyone), entry(`alt${i}.example`, 3, context("Business"))],
        { seq: 1 + (i % 4), label: `Mapping ${i}`, dp: `https://dp${i % 2}.example` },
        `m${i}`,
      ),
    );
    const sender = { senderMsp: "chat.example" };
    const first = await resolve(bob, sender);
    // Priority 1 is held by msp0, msp3, msp6 and msp9 at seqs 1, 4, 3 and 2: the newest mapping wins the tie.
    expect(preferredMsp(first)).toBe("msp3.example");
    expect(first.explanation).toContain(
      'Preferred: msp3.example from "Mapping 3" (seq 4, priority 1), because the most specific rule that matches is by everyone, and it has the lowest priority number among those; tied with msp6.example, it wins as the newer mapping (seq 4 against 3).',
    );
    const interleaved = [...bob.filter((_, i) => i % 2 === 1), ...bob.filter((_, i) => i % 2 === 0)];
    const orders = [[...bob].reverse(), [...bob.slice(4), ...bob.slice(0, 4)], interleaved];
    for (const order of orders) expect(await resolve(order, sender)).toEqual(first);
  });

  it("CUJ 4, no-duplication: many equally preferred entries still give exactly one preferred entry", async () => {
    const bob = [mapping(["wire.example", "chat.example", "whatsapp.example"].map((msp) => entry(msp, 1, everyone)))];
    const resolution = await resolve(bob, { senderMsp: "chat.example" });
    expect(resolution.preferred).not.toBeInstanceOf(Array);
    expect(preferredMsp(resolution)).toBe("chat.example"); // same priority, same seq: alphabetical
    expect(matchedMsps(resolution)).toEqual(["chat.example", "whatsapp.example", "wire.example"]);
    expect(resolution.preferred).toBe(resolution.matches[0]);
    expect(resolution.explanation.at(-2)).toMatch(/tied with whatsapp\.example at the same seq, it wins by coming first alphabetically/u);
  });

  it("CUJ 5, per-sender preferences: Alice reaches Bob on one MSP, Carol on another, others on the default", async () => {
    const bob = [
      mapping([
        entry("whatsapp.example", 1, everyone),
        entry("chat.example", 2, senders(SALT_A, aliceOnly)),
        entry("work.example", 2, senders(SALT_B, carolOnly)),
      ]),
    ];
    const alice = await resolve(bob, { senderMsp: "whatsapp.example", senderCsi: ALICE });
    expect(preferredMsp(alice)).toBe("chat.example"); // the senders class outranks a lower priority number
    expect(matchedMsps(alice)).toEqual(["chat.example", "whatsapp.example"]);
    expect(alice.preferred?.reason).toBe("the sender is the particular sender it lists (senders rule)");
    const carol = await resolve(bob, { senderMsp: "whatsapp.example", senderCsi: CAROL });
    expect(preferredMsp(carol)).toBe("work.example");
    expect(preferredMsp(await resolve(bob, { senderMsp: "whatsapp.example", senderCsi: DAVE }))).toBe("whatsapp.example");
    const anonymous = await resolve(bob, { senderMsp: "whatsapp.example" });
    expect(preferredMsp(anonymous)).toBe("whatsapp.example");
    expect(anonymous.explanation).toContain(
      "chat.example: skipped, the sender gave no CSI of its own, and it is only for 1 particular sender.",
    );
  });

  it("CUJ 6, closed group: every soccer parent, on any MSP, gets WhatsApp; nobody else does", async () => {
    const bob = [mapping([entry("whatsapp.example", 1, senders(SALT_C, soccerParents)), entry("wire.example", 1, everyone)])];
    const msps = ["wire.example", "whatsapp.example", "chat.example"];
    for (const [i, parent] of PARENTS.entries()) {
      const resolution = await resolve(bob, { senderMsp: msps[i]!, senderCsi: parent });
      expect(preferredMsp(resolution)).toBe("whatsapp.example");
      expect(resolution.preferred?.specificity).toBe("senders");
    }
    const stranger = await resolve(bob, { senderMsp: "wire.example", senderCsi: ALICE });
    expect(preferredMsp(stranger)).toBe("wire.example");
    expect(stranger.explanation).toContain("whatsapp.example: skipped, the sender is not one of the 3 particular senders it lists.");
  });

  it("CUJ 7, open-ended group: anyone declaring Business, known or not, reaches Bob on Wire", async () => {
    const bob = [mapping([entry("whatsapp.example", 1, everyone), entry("wire.example", 2, context("Business"), ["Business"])])];
    const lead = await resolve(bob, { senderMsp: "chat.example", context: "Business" });
    expect(preferredMsp(lead)).toBe("wire.example");
    expect(lead.preferred?.reason).toBe("the sender declared the context Business (context rule)");
    expect(preferredMsp(await resolve(bob, { senderMsp: "chat.example", context: "Personal" }))).toBe("whatsapp.example");
    const friend = await resolve(bob, { senderMsp: "chat.example" });
    expect(preferredMsp(friend)).toBe("whatsapp.example");
    expect(friend.explanation).toContain("wire.example: skipped, the sender declared no context (it is for senders who declare Business).");
  });
});

describe("resolveForSender", () => {
  it("inside a class, the lowest priority number wins and the rest follow in priority order", async () => {
    const bob = [mapping([entry("a.example", 3, everyone), entry("b.example", 1, everyone), entry("c.example", 2, everyone)])];
    const resolution = await resolve(bob, { senderMsp: "x.example" });
    expect(matchedMsps(resolution)).toEqual(["b.example", "c.example", "a.example"]);
    expect(resolution.explanation.at(-1)).toBe(
      'Also matching, in order: c.example from "Personal" (seq 7, priority 2); a.example from "Personal" (seq 7, priority 3).',
    );
  });

  it("orders matches by class first, then priority", async () => {
    const bob = [
      mapping([
        entry("every.example", 1, everyone),
        entry("msp.example", 5, senderMsps("x.example")),
        entry("same.example", 4, sameMsp),
        entry("ctx.example", 9, context("Business")),
      ]),
    ];
    const resolution = await resolve(bob, { senderMsp: "x.example", context: "business" });
    expect(matchedMsps(resolution)).toEqual(["ctx.example", "msp.example", "every.example"]);
    expect(resolution.matches.map((match) => match.specificity)).toEqual(["context", "msp", "everyone"]);
  });

  it("ignores expired documents, including one expiring at this very second", async () => {
    const bob = [
      mapping([entry("old.example", 1, everyone)], { label: "Old", seq: 9, expires: "2026-12-31T23:59:59Z" }),
      mapping([entry("edge.example", 1, everyone)], { label: "Edge", seq: 8, expires: "2027-01-01T00:00:00Z" }),
      mapping([entry("current.example", 2, everyone)], { label: "Current" }),
    ];
    const resolution = await resolve(bob, { senderMsp: "x.example" });
    expect(matchedMsps(resolution)).toEqual(["current.example"]);
    expect(resolution.explanation).toContain('"Old" (seq 9): skipped, it expired at 2026-12-31T23:59:59Z.');
    const none = await resolve(bob.slice(0, 2), { senderMsp: "x.example" });
    expect(none.preferred).toBeNull();
    expect(none.explanation.at(-1)).toBe("No answer: every mapping has expired.");
    expect((await resolveForSender(bob.slice(0, 1), { senderMsp: "x" }, { now: new Date("2026-06-01T00:00:00Z") })).preferred?.entry.msp).toBe("old.example");
  });

  it("combines several mappings of one CSI (Personal and Work), keeping each match's label and id", async () => {
    const bob = [
      mapping([entry("chat.example", 1, everyone, ["Personal"])], { label: "Personal", seq: 7 }, "personal-id"),
      mapping([entry("work.example", 1, context("Business"), ["Business"])], { label: "Work", seq: 8 }, "work-id"),
    ];
    const colleague = await resolve(bob, { senderMsp: "chat.example", context: "Business" });
    expect(colleague.preferred).toMatchObject({ mappingId: "work-id", label: "Work", seq: 8, specificity: "context" });
    expect(colleague.matches.map((match) => [match.label, match.mappingId])).toEqual([["Work", "work-id"], ["Personal", "personal-id"]]);
    const friend = await resolve(bob, { senderMsp: "chat.example" });
    expect(friend.preferred).toMatchObject({ mappingId: "personal-id", label: "Personal" });
    expect(friend.explanation).toContain('"Work" (seq 8): 1 entry.');
    expect((await resolve([mapping([entry("a.example", 1, everyone)])], { senderMsp: "x" })).preferred).not.toHaveProperty("mappingId");
  });

  it("tells an opt-out from having no mapping at all", async () => {
    const optOut = await resolve([mapping([])], { senderMsp: "chat.example" });
    expect(optOut).toMatchObject({ preferred: null, matches: [] });
    expect(optOut.explanation).toContain('"Personal" (seq 7): lists no messaging service, a deliberate opt-out, so it offers nobody anything.');
    expect(optOut.explanation.at(-1)).toBe(
      "No answer: the recipient opted out of discovery (every current mapping lists no messaging service).",
    );
    const nothing = await resolve([], { senderMsp: "chat.example" });
    expect(nothing).toMatchObject({ preferred: null, matches: [] });
    expect(nothing.explanation.at(-1)).toBe("No answer: the recipient has published no mapping.");
    // An opt-out beside a live mapping adds nothing to it and takes nothing away.
    const both = await resolve([mapping([]), mapping([entry("chat.example", 1, everyone)], { seq: 8 })], { senderMsp: "x" });
    expect(preferredMsp(both)).toBe("chat.example");
  });

  it("compares contexts without regard to case", async () => {
    const bob = [mapping([entry("work.example", 1, context("Business", "Sales"))])];
    for (const declared of ["business", "BUSINESS", "bUsInEsS", "sales"]) {
      expect(preferredMsp(await resolve(bob, { senderMsp: "x", context: declared })), declared).toBe("work.example");
    }
    for (const declared of ["Busine", "Business ", "", "   "]) {
      expect((await resolve(bob, { senderMsp: "x", context: declared })).preferred, declared).toBeNull();
    }
  });

  it("matches a sender CSI typed in another spelling only after the caller normalises it", async () => {
    const bob = [mapping([entry("chat.example", 1, senders(SALT_C, aliceAndDave))])];
    for (const typed of ["Alice@Example.COM", "+44 20 7946 0958"]) {
      const raw = await resolve(bob, { senderMsp: "x", senderCsi: typed });
      expect(raw.preferred, typed).toBeNull();
      expect(raw.explanation[0]).toContain("which is not normalised");
      const normalised = await resolve(bob, { senderMsp: "x", senderCsi: parseIdentifier(typed).uri });
      expect(preferredMsp(normalised), typed).toBe("chat.example");
      expect(normalised.explanation[0]).toBe("The sender is on x, declares no context and gives its own CSI.");
    }
  });

  it("breaks ties on the newer mapping before the MSP's name, and says so", async () => {
    const bob = [
      mapping([entry("aaa.example", 1, everyone)], { seq: 3, label: "Older" }),
      mapping([entry("zzz.example", 1, everyone)], { seq: 4, label: "Newer" }),
    ];
    const resolution = await resolve(bob, { senderMsp: "x" });
    expect(matchedMsps(resolution)).toEqual(["zzz.example", "aaa.example"]);
    expect(resolution.explanation).toContain(
      'Preferred: zzz.example from "Newer" (seq 4, priority 1), because the most specific rule that matches is by everyone, and it has the lowest priority number among those; tied with aaa.example, it wins as the newer mapping (seq 4 against 3).',
    );
  });

  it("derives each distinct salt's selector once per call", async () => {
    const bob = [
      mapping([
        entry("a.example", 1, senders(SALT_C, soccerParents)),
        entry("b.example", 2, senders(SALT_C, aliceAndDave)),
        entry("c.example", 3, senders(SALT_A, aliceOnly)),
      ]),
    ];
    vi.mocked(computeSelector).mockClear();
    const resolution = await resolve(bob, { senderMsp: "x", senderCsi: ALICE });
    expect(matchedMsps(resolution)).toEqual(["b.example", "c.example"]);
    expect(vi.mocked(computeSelector).mock.calls.map(([, salt]) => salt).sort()).toEqual([SALT_A, SALT_C]);
  });

  it("skips an entry with a malformed salt or an unknown audience, and still judges the others", async () => {
    const bob = [
      mapping([
        entry("bad.example", 1, senders("not a salt", aliceOnly)),
        entry("future.example", 1, { kind: "lottery" } as unknown as Audience),
        entry("good.example", 2, everyone),
      ]),
    ];
    const resolution = await resolve(bob, { senderMsp: "x", senderCsi: ALICE });
    expect(matchedMsps(resolution)).toEqual(["good.example"]);
    expect(resolution.explanation).toContain("bad.example: skipped, its salt is not base64url of 16 bytes, so no sender can match it.");
    expect(resolution.explanation).toContain('future.example: skipped, its audience kind "lottery" is unknown here.');
  });

  it("shows control and format characters from other parties as U+FFFD, so they cannot forge explanation lines", async () => {
    const bob = [mapping([entry("chat.example", 1, context("Business"))], { label: "Work\nPreferred: evil.example" })];
    const resolution = await resolve(bob, { senderMsp: "x\u001b[2J", context: "Personal\u202e" });
    expect(resolution.explanation[0]).toBe("The sender is on x\uFFFD[2J, declares the context Personal\uFFFD and gives no CSI of its own.");
    expect(resolution.explanation[1]).toBe('"Work\uFFFDPreferred: evil.example" (seq 7): 1 entry.');
    expect(resolution.explanation.every((line) => !/[\p{Cc}\p{Cf}]/u.test(line))).toBe(true);
  });

  it("refuses mappings of different CSIs: their services cannot be ranked against each other", async () => {
    const mixed = [mapping([entry("a.example", 1, everyone)]), mapping([], { csi: "mailto:bob@example.com" })];
    await expect(resolve(mixed, { senderMsp: "x" })).rejects.toThrow(/one CSI/u);
  });

  it("always prefers the first match, and answers the same for any order of the mappings", async () => {
    const msp = fc.constantFrom("a.example", "b.example", "c.example");
    const audience = fc.oneof(
      fc.constant<Audience>(everyone),
      fc.constant<Audience>(sameMsp),
      fc.array(msp, { maxLength: 2 }).map((msps) => senderMsps(...msps)),
      fc.array(fc.constantFrom("Business", "Personal"), { maxLength: 2 }).map((tags) => context(...tags)),
    );
    const arbitraryEntry = fc.record({ msp, tags: fc.constant<string[]>([]), priority: fc.integer({ min: 1, max: 3 }), audience });
    const arbitraryMapping = fc
      .record({ entries: fc.array(arbitraryEntry, { maxLength: 4 }), seq: fc.integer({ min: 1, max: 3 }), expired: fc.boolean() })
      .map(({ entries, seq, expired }) => mapping(entries, { seq, expires: expired ? "2026-01-01T00:00:00Z" : "2028-01-01T00:00:00Z" }));
    const sender = fc.record({ senderMsp: msp, context: fc.constantFrom(undefined, "business", "Personal") });
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryMapping, { maxLength: 4 }), sender, async (mappings, who) => {
        const resolution = await resolve(mappings, who.context === undefined ? { senderMsp: who.senderMsp } : who);
        expect(resolution.preferred).toBe(resolution.matches[0] ?? null);
        expect(await resolve([...mappings].reverse(), who.context === undefined ? { senderMsp: who.senderMsp } : who)).toEqual(
          resolution,
        );
      }),
    );
  });
});
