import { describe, expect, it } from "vitest";
import { mappingDocumentSchema, MAX_ENTRIES, MAX_SELECTORS } from "./mapping.ts";
import { sampleDocument } from "../testing/signed-mapping-fixture.ts";

const SALT = "AAECAwQFBgcICQoLDA0ODw"; // 16 bytes
const SELECTOR = "3q2-7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhs"; // 32 bytes

function withEntry(entry: Record<string, unknown>): unknown {
  return { ...sampleDocument(), entries: [{ msp: "chat.example", tags: [], priority: 1, audience: { kind: "everyone" }, ...entry }] };
}

function issuesOf(document: unknown): string[] {
  const result = mappingDocumentSchema.safeParse(document);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
}

describe("mappingDocumentSchema accepts", () => {
  it.each([
    ["the protocol's example", sampleDocument()],
    ["an opt-out", sampleDocument({ entries: [] })],
    ["an email CSI", sampleDocument({ csi: "mailto:bob@example.com" })],
    ["an empty label", sampleDocument({ label: "" })],
    ["sender_msps", withEntry({ audience: { kind: "sender_msps", msps: ["work.example", "xn--bcher-kva.example"] } })],
    ["same_msp", withEntry({ audience: { kind: "same_msp" } })],
    ["context", withEntry({ audience: { kind: "context", tags: ["Business"] } })],
    ["senders", withEntry({ audience: { kind: "senders", salt: SALT, selectors: [SELECTOR] } })],
    ["the caps exactly", sampleDocument({ entries: Array.from({ length: MAX_ENTRIES }, () => ({ msp: "chat.example", tags: Array(16).fill("x".repeat(64)), priority: 1, audience: { kind: "senders" as const, salt: SALT, selectors: Array(MAX_SELECTORS).fill(SELECTOR) } })) })],
  ])("%s", (_label, document) => {
    expect(issuesOf(document)).toEqual([]);
  });
});

describe("mappingDocumentSchema refuses", () => {
  it.each<[string, unknown, string]>([
    ["another version", { ...sampleDocument(), v: 2 }, "v"],
    ["an unknown member", { ...sampleDocument(), note: "hi" }, ""],
    ["a dp with a path", sampleDocument({ dp: "https://dp.example/api" }), "dp"],
    ["a dp with a trailing slash", sampleDocument({ dp: "https://dp.example/" }), "dp"],
    ["a CSI that is not a URI", sampleDocument({ csi: "+14085551212" }), "csi"],
    ["a tel CSI with formatting", sampleDocument({ csi: "tel:+1-408-555-1212" }), "csi"],
    ["a mailto CSI with two @", sampleDocument({ csi: "mailto:a@b.com@c.com" }), "csi"],
    ["a negative seq", sampleDocument({ seq: -1 }), "seq"],
    ["a fractional seq", sampleDocument({ seq: 1.5 }), "seq"],
    ["fresh as a string", { ...sampleDocument(), fresh: "true" }, "fresh"],
    ["a time with milliseconds", sampleDocument({ created: "2026-11-22T09:00:00.000Z" }), "created"],
    ["a time with an offset", sampleDocument({ created: "2026-11-22T09:00:00+01:00" }), "created"],
    ["a day that does not exist", sampleDocument({ created: "2026-02-30T09:00:00Z" }), "created"],
    ["expires before created", sampleDocument({ expires: "2026-11-22T08:59:59Z" }), "expires"],
    ["more than 64 entries", sampleDocument({ entries: Array(MAX_ENTRIES + 1).fill(sampleDocument().entries[0]) }), "entries"],
    ["an upper-case MSP id", withEntry({ msp: "Chat.example" }), "entries.0.msp"],
    ["an MSP id with a scheme", withEntry({ msp: "https://chat.example" }), "entries.0.msp"],
    ["priority 0", withEntry({ priority: 0 }), "entries.0.priority"],
    ["17 tags", withEntry({ tags: Array(17).fill("t") }), "entries.0.tags"],
    ["a 65-character tag", withEntry({ tags: ["x".repeat(65)] }), "entries.0.tags.0"],
    ["an empty tag", withEntry({ tags: [""] }), "entries.0.tags.0"],
    ["an unknown audience kind", withEntry({ audience: { kind: "friends" } }), "entries.0.audience.kind"],
    ["an audience with extra members", withEntry({ audience: { kind: "everyone", msps: [] } }), "entries.0.audience"],
    ["a 15-byte salt", withEntry({ audience: { kind: "senders", salt: "AAECAwQFBgcICQoLDA0O", selectors: [] } }), "entries.0.audience.salt"],
    ["a padded salt", withEntry({ audience: { kind: "senders", salt: `${SALT}==`, selectors: [] } }), "entries.0.audience.salt"],
    ["a salt with stray bits", withEntry({ audience: { kind: "senders", salt: "AAECAwQFBgcICQoLDA0ODx", selectors: [] } }), "entries.0.audience.salt"],
    ["a short selector", withEntry({ audience: { kind: "senders", salt: SALT, selectors: [SALT] } }), "entries.0.audience.selectors.0"],
    ["2001 selectors", withEntry({ audience: { kind: "senders", salt: SALT, selectors: Array(MAX_SELECTORS + 1).fill(SELECTOR) } }), "entries.0.audience.selectors"],
  ])("%s", (_label, document, path) => {
    expect(issuesOf(document)).toContain(path);
  });
});
