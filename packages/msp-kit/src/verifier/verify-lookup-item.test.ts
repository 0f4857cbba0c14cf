import { beforeAll, describe, expect, it } from "vitest";
import type { MappingDocument } from "../wire/index.ts";
import { SoftwareAuthenticator } from "../testing/software-authenticator.ts";
import { createTestDp, sampleDocument, signMapping, type TestDp } from "../testing/signed-mapping-fixture.ts";
import type { CheckId } from "./types.ts";
import { verifyLookupItem } from "./verify-lookup-item.ts";

let dp: TestDp;
let passkey: SoftwareAuthenticator;

beforeAll(async () => {
  dp = await createTestDp();
  passkey = await SoftwareAuthenticator.create();
});

async function served(id: string, overrides: Partial<MappingDocument>) {
  const document = sampleDocument(overrides);
  const binding = await dp.signBinding({ sub: document.csi, cnf: { jwk: passkey.publicKeyJwk() } });
  return { id, ...(await signMapping({ dp, authenticator: passkey, document, binding })) };
}

function failedChecks(result: Awaited<ReturnType<typeof verifyLookupItem>>): Record<string, CheckId[]> {
  return Object.fromEntries(result.mappings.map(({ id, verification }) => [id, verification.checks.filter((check) => !check.ok).map((check) => check.id)]));
}

describe("verifyLookupItem", () => {
  it("accepts several genuine mappings of the looked-up CSI", async () => {
    const item = { csi: "tel:+14085551212", result: "found", mappings: [await served("personal", { seq: 7 }), await served("work", { seq: 8, label: "Work" })] };
    const result = await verifyLookupItem(item, dp.options);
    expect(result.ok).toBe(true);
    expect(failedChecks(result)).toEqual({ personal: [], work: [] });
  });

  it("fails the replay check of a mapping older than a fresh one served beside it", async () => {
    const item = {
      csi: "tel:+14085551212",
      result: "found",
      mappings: [await served("old", { seq: 5 }), await served("new", { seq: 9, fresh: true }), await served("later", { seq: 10 })],
    };
    const result = await verifyLookupItem(item, dp.options);
    expect(result.ok).toBe(false);
    expect(failedChecks(result)).toEqual({ old: ["replay"], new: [], later: [] });
    expect(result.mappings[0]!.verification.checks.find((check) => check.id === "replay")!.detail).toBe(
      "This is an older mapping than one already seen: a fresh mapping with seq 9 in the same answer de-lists its seq 5.",
    );
  });

  it("fails the document check of a mapping for another CSI, though it is genuinely signed", async () => {
    const item = { csi: "tel:+14085551212", result: "found", mappings: [await served("other", { csi: "tel:+14085550000" })] };
    const result = await verifyLookupItem(item, dp.options);
    expect(failedChecks(result)).toEqual({ other: ["document"] });
    expect(result.mappings[0]!.verification.checks[0]!.detail).toBe('The document is for "tel:+14085550000", but the lookup answered for "tel:+14085551212".');
  });

  it("keeps an earlier failure of the same check after the lookup's own explanation", async () => {
    const mapping = await served("broken", { csi: "tel:+14085550000" });
    const item = { csi: "tel:+14085551212", result: "found", mappings: [{ ...mapping, document: { ...mapping.document, v: 3 } }] };
    const detail = (await verifyLookupItem(item, dp.options)).mappings[0]!.verification.checks[0]!.detail;
    expect(detail).toMatch(/^The document is for "tel:\+14085550000", but .* The document is not a valid version 1 mapping: v: /u);
  });

  it("de-lists by the newest fresh mapping of the looked-up CSI only, and only what is older", async () => {
    const item = {
      csi: "tel:+14085551212",
      result: "found",
      mappings: [
        await served("older-fresh", { seq: 4, fresh: true }),
        await served("before", { seq: 6 }),
        await served("newest-fresh", { seq: 8, fresh: true }),
        await served("other-csi-fresh", { seq: 20, fresh: true, csi: "tel:+14085550000" }),
        await served("equal", { seq: 8 }),
      ],
    };
    const result = await verifyLookupItem(item, dp.options);
    expect(failedChecks(result)).toEqual({ "older-fresh": ["replay"], before: ["replay"], "newest-fresh": [], "other-csi-fresh": ["document"], equal: [] });
  });

  it("does not judge a document without a seq by the fresh one beside it", async () => {
    const fresh = await served("fresh", { seq: 9, fresh: true });
    const noSeq = await served("no-seq", { seq: 3 });
    const item = { csi: "tel:+14085551212", result: "found", mappings: [fresh, { ...noSeq, document: { ...noSeq.document, seq: "3" } }] };
    const checks = (await verifyLookupItem(item, dp.options)).mappings[1]!.verification.checks;
    expect(checks.find((check) => check.id === "replay")).toMatchObject({ ok: true });
  });

  it("names a document without a CSI as null", async () => {
    const mapping = await served("m", {});
    const item = { csi: "tel:+14085551212", result: "found", mappings: [{ ...mapping, document: { ...mapping.document, csi: undefined } }] };
    expect((await verifyLookupItem(item, dp.options)).mappings[0]!.verification.checks[0]!.detail).toMatch(/^The document is for null, but the lookup answered for "tel:\+14085551212"\./u);
  });

  it("accepts an answer with no mapping", async () => {
    expect(await verifyLookupItem({ csi: "tel:+14085551212", result: "none", mappings: [] }, dp.options)).toEqual({ ok: true, mappings: [] });
  });

  it.each([
    ["an error slot", { input: "12", error: { code: "invalid_csi", title: "Invalid CSI", detail: "…" } }],
    ["a string", "tel:+14085551212"],
    ["null", null],
    ["a csi that is not text", { csi: 5, result: "found", mappings: [] }],
    ["mappings that are not a list", { csi: "tel:+14085551212", result: "found", mappings: {} }],
  ])("has nothing to trust in %s", async (_label, item) => {
    expect(await verifyLookupItem(item, dp.options)).toEqual({ ok: false, mappings: [] });
  });

  it("names mappings without an id by their position and verifies junk as failed", async () => {
    const result = await verifyLookupItem({ csi: "tel:+14085551212", result: "found", mappings: [null] }, dp.options);
    expect(result.ok).toBe(false);
    expect(result.mappings.map((mapping) => mapping.id)).toEqual(["#1"]);
  });

  it("lets only a fresh mapping that verifies de-list the others: a forged one is trusted for nothing", async () => {
    const genuine = await served("genuine", { seq: 5 });
    const fresh = await served("forged-fresh", { seq: 9, fresh: true });
    // The fresh document with another mapping's assertion: every field well formed, the signature not its own.
    const forged = { ...fresh, proof: { ...fresh.proof, assertion: { ...fresh.proof.assertion, signature: genuine.proof.assertion.signature } } };
    const result = await verifyLookupItem({ csi: "tel:+14085551212", result: "found", mappings: [genuine, forged] }, dp.options);
    expect(failedChecks(result)).toEqual({ genuine: [], "forged-fresh": ["signature"] });
  });

  it("puts the de-listing on the replay check, and leaves the other checks as they were", async () => {
    const item = { csi: "tel:+14085551212", result: "found", mappings: [await served("old", { seq: 5 }), await served("new", { seq: 9, fresh: true })] };
    const checks = (await verifyLookupItem(item, dp.options)).mappings[0]!.verification.checks;
    expect(checks.filter((check) => !check.ok).map((check) => check.id)).toEqual(["replay"]);
    expect(checks.find((check) => check.id === "document")!.detail).toMatch(/^The document is a well-formed version 1 mapping/u);
  });

  it("names a mapping whose id is not text by its position", async () => {
    const mapping = await served("m", {});
    const result = await verifyLookupItem({ csi: "tel:+14085551212", result: "found", mappings: [{ ...mapping, id: 7 }] }, dp.options);
    expect(result.mappings.map((entry) => entry.id)).toEqual(["#1"]);
  });
});

