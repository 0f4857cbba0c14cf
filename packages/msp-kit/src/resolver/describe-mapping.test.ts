import { describe, expect, it } from "vitest";
import type { Audience, MappingDocument, MappingEntry } from "../wire/index.ts";
import { describeMapping } from "./describe-mapping.ts";
import { resolveForSender } from "./resolve.ts";

const NAMES = { "chat.example": "Chatterbox", "work.example": "Workwire", "whatsapp.example": "WhatsApp" };
const SALT_A = "AQEBAQEBAQEBAQEBAQEBAQ";
const SALT_B = "AgICAgICAgICAgICAgICAg";
const PRIVATE = "(published only as salted fingerprints: whoever already has a number or address can test it, nobody can list them)";

function entry(msp: string, priority: number, audience: Audience): MappingEntry {
  return { msp, tags: [], priority, audience };
}

function documentOf(entries: MappingEntry[]): MappingDocument {
  return {
    v: 1,
    dp: "https://dp.example",
    csi: "tel:+14085550000",
    seq: 7,
    fresh: false,
    label: "Personal",
    created: "2026-11-22T10:00:00Z",
    expires: "2027-11-22T10:00:00Z",
    entries,
  };
}

const everyone: Audience = { kind: "everyone" };
const sameMsp: Audience = { kind: "same_msp" };
const context = (...tags: string[]): Audience => ({ kind: "context", tags });
const senderMsps = (...msps: string[]): Audience => ({ kind: "sender_msps", msps });
const senders = (salt: string, count: number): Audience => ({
  kind: "senders",
  salt,
  selectors: Array.from({ length: count }, (_, i) => `selector-${salt}-${i}`),
});

describe("describeMapping", () => {
  it("says an empty mapping is an opt-out", () => {
    expect(describeMapping(documentOf([]), NAMES)).toEqual([
      "This mapping lists no messaging service: senders will learn you opted out.",
    ]);
  });

  it("puts the rules in resolution order, whatever their order in the document, and words the broader ones as 'else'", () => {
    const document = documentOf([
      entry("whatsapp.example", 1, everyone),
      entry("chat.example", 1, sameMsp),
      entry("work.example", 2, context("Business")),
      entry("whatsapp.example", 3, senders(SALT_A, 3)),
    ]);
    expect(describeMapping(document, NAMES)).toEqual([
      `3 particular senders ${PRIVATE} will reach you on WhatsApp (whatsapp.example).`,
      "Everyone else who declares Business will reach you on Workwire (work.example).",
      "Everyone else on chat.example will reach you on Chatterbox (chat.example).",
      "Everyone else will reach you on WhatsApp (whatsapp.example).",
    ]);
  });

  it("says plainly who is reached when no earlier rule can catch them first", () => {
    expect(describeMapping(documentOf([entry("chat.example", 1, sameMsp)]), NAMES)).toEqual([
      "Senders on chat.example will reach you on Chatterbox (chat.example).",
    ]);
    expect(describeMapping(documentOf([entry("work.example", 1, context("Business", "Sales", "Legal"))]), NAMES)).toEqual([
      "Senders who declare Business, Sales or Legal will reach you on Workwire (work.example).",
    ]);
    expect(describeMapping(documentOf([entry("chat.example", 1, senders(SALT_A, 1))]))).toEqual([
      `1 particular sender ${PRIVATE} will reach you on chat.example.`,
    ]);
    expect(describeMapping(documentOf([entry("chat.example", 1, everyone)]), NAMES)).toEqual([
      "Everyone will reach you on Chatterbox (chat.example).",
    ]);
  });

  it("does not say 'else' between rules of one class that cannot catch the same sender", () => {
    const document = documentOf([
      entry("work.example", 1, sameMsp),
      entry("chat.example", 1, sameMsp),
      entry("whatsapp.example", 2, senderMsps("signal.example", "threema.example")),
    ]);
    expect(describeMapping(document, NAMES)).toEqual([
      "Senders on chat.example will reach you on Chatterbox (chat.example).",
      "Senders on work.example will reach you on Workwire (work.example).",
      "Senders on signal.example or threema.example will reach you on WhatsApp (whatsapp.example).",
    ]);
  });

  it("calls a rule that earlier rules fully cover a fallback, and a partly covered one 'else'", () => {
    const document = documentOf([
      entry("chat.example", 1, everyone),
      entry("work.example", 2, everyone),
      entry("chat.example", 1, senderMsps("a.example", "b.example")),
      entry("work.example", 2, senderMsps("B.example")),
      entry("whatsapp.example", 3, senderMsps("b.example", "c.example")),
      entry("work.example", 1, context("Business")),
      entry("chat.example", 2, context("business")),
    ]);
    expect(describeMapping(document, NAMES)).toEqual([
      "Senders who declare Business will reach you on Workwire (work.example).",
      "Senders who declare business will see Chatterbox (chat.example) only as a fallback, after Workwire (work.example).",
      "Everyone else on a.example or b.example will reach you on Chatterbox (chat.example).",
      "Senders on B.example will see Workwire (work.example) only as a fallback, after Chatterbox (chat.example).",
      "Everyone else on b.example or c.example will reach you on WhatsApp (whatsapp.example).",
      "Everyone else will reach you on Chatterbox (chat.example).",
      "Everyone will see Workwire (work.example) only as a fallback, after Chatterbox (chat.example).",
    ]);
  });

  it("cannot compare particular senders across salts, and says so", () => {
    const document = documentOf([entry("chat.example", 1, senders(SALT_A, 1)), entry("work.example", 2, senders(SALT_B, 2))]);
    expect(describeMapping(document, NAMES)).toEqual([
      `1 particular sender ${PRIVATE} will reach you on Chatterbox (chat.example).`,
      `2 particular senders ${PRIVATE} will reach you on Workwire (work.example), unless a rule above already names them.`,
    ]);
  });

  it("warns about rules that reach nobody or that it cannot read", () => {
    const document = documentOf([
      entry("chat.example", 1, senderMsps()),
      entry("work.example", 1, context()),
      entry("whatsapp.example", 1, { kind: "lottery" } as unknown as Audience),
    ]);
    expect(describeMapping(document, NAMES)).toEqual([
      "The entry for Workwire (work.example) names no senders, so it reaches nobody.",
      "The entry for Chatterbox (chat.example) names no senders, so it reaches nobody.",
      "The entry for WhatsApp (whatsapp.example) uses an audience this version cannot describe, so senders may ignore it.",
    ]);
  });

  it("names an MSP only by a name of its own, never by an inherited property", () => {
    expect(describeMapping(documentOf([entry("constructor", 1, everyone)]), NAMES)).toEqual([
      "Everyone will reach you on constructor.",
    ]);
  });

  it("tells the same story as the resolver: the first sentence that applies names the preferred MSP", async () => {
    const document = documentOf([
      entry("whatsapp.example", 1, everyone),
      entry("work.example", 2, context("Business")),
      entry("chat.example", 3, sameMsp),
    ]);
    const sentences = describeMapping(document, NAMES);
    const cases = [
      [{ senderMsp: "chat.example", context: "Business" }, 0],
      [{ senderMsp: "chat.example" }, 1],
      [{ senderMsp: "x.example" }, 2],
    ] as const;
    for (const [sender, sentence] of cases) {
      const resolution = await resolveForSender([{ document }], sender, { now: new Date("2027-01-01T00:00:00Z") });
      expect(sentences[sentence]).toContain(`reach you on ${NAMES[resolution.preferred!.entry.msp as keyof typeof NAMES]}`);
    }
  });
});
