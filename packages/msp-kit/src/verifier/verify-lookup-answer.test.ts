import { beforeAll, describe, expect, it } from "vitest";
import type { MappingDocument } from "../wire/index.ts";
import { SoftwareAuthenticator } from "../testing/software-authenticator.ts";
import { createTestDp, sampleDocument, signMapping, type TestDp } from "../testing/signed-mapping-fixture.ts";
import { resultOf, verifyLookupAnswer } from "./verify-lookup-answer.ts";

let dp: TestDp;
let passkey: SoftwareAuthenticator;
beforeAll(async () => {
  dp = await createTestDp();
  passkey = await SoftwareAuthenticator.create();
});

const CSI = "tel:+14085551212";
async function served(id: string, overrides: Partial<MappingDocument> = {}) {
  return { id, ...(await signMapping({ dp, authenticator: passkey, document: sampleDocument(overrides) })) };
}

describe("verifyLookupAnswer", () => {
  it("accepts a coherent answer and offers its verified mappings to resolve over", async () => {
    const mapping = await served("m1");
    const answer = await verifyLookupAnswer({ csi: CSI, result: "found", mappings: [mapping] }, CSI, dp.options);
    expect(answer).toMatchObject({ ok: true, answerChecks: [], usable: [{ id: "m1", document: mapping.document }] });
    expect(answer.mappings).toEqual([{ id: "m1", document: mapping.document, proof: mapping.proof, verification: expect.objectContaining({ ok: true }) }]);
  });

  it("uses nothing of an answer about another CSI than the one asked", async () => {
    const answer = await verifyLookupAnswer({ csi: CSI, result: "found", mappings: [await served("m1")] }, "tel:+14085550000", dp.options);
    expect(answer.ok).toBe(false);
    expect(answer.usable).toEqual([]);
    expect(answer.answerChecks).toEqual([{ id: "csi", detail: "the DP answered for tel:+14085551212, not for tel:+14085550000 which was looked up; none of its mappings is used." }]);
  });

  it("flags a result that disagrees with the mappings served, while keeping the verified ones usable", async () => {
    const answer = await verifyLookupAnswer({ csi: CSI, result: "opted_out", mappings: [await served("m1")] }, CSI, dp.options);
    expect(answer.ok).toBe(false);
    expect(answer.answerChecks).toEqual([{ id: "result", detail: 'the DP said "opted_out", but the mappings it served make it "found".' }]);
    expect(answer.usable.map((mapping) => mapping.id)).toEqual(["m1"]);
  });

  it("keeps a mapping that fails verification out of the usable ones", async () => {
    const good = await served("good");
    const bad = await served("bad", { label: "Work" });
    const tampered = { ...bad, document: { ...bad.document, label: "Other" } };
    const answer = await verifyLookupAnswer({ csi: CSI, result: "found", mappings: [good, tampered] }, CSI, dp.options);
    expect(answer.ok).toBe(false);
    expect(answer.answerChecks).toEqual([]);
    expect(answer.usable.map((mapping) => mapping.id)).toEqual(["good"]);
  });

  it.each([
    ["not an object", "tel:+14085551212"],
    ["a csi that is not text", { csi: 1, result: "none", mappings: [] }],
    ["a result that is not text", { csi: CSI, result: null, mappings: [] }],
    ["mappings that are not a list", { csi: CSI, result: "none", mappings: {} }],
  ])("refuses an answer that is %s", async (_label, item) => {
    expect(await verifyLookupAnswer(item, CSI, dp.options)).toEqual({
      ok: false,
      answerChecks: [{ id: "shape", detail: "The answer is not a lookup result {csi, result, mappings}." }],
      mappings: [],
      usable: [],
    });
  });

  it("reads junk mappings without throwing", async () => {
    const answer = await verifyLookupAnswer({ csi: CSI, result: "opted_out", mappings: [null] }, CSI, dp.options);
    expect(answer.ok).toBe(false);
    expect(answer.mappings).toEqual([{ id: "#1", document: undefined, proof: undefined, verification: expect.objectContaining({ ok: false }) }]);
  });
});

describe("resultOf", () => {
  it("is none without mappings, opted_out when none lists an MSP, found when one does", () => {
    const optOut = { document: { entries: [] } };
    const listing = { document: { entries: [{ msp: "chat.example" }] } };
    expect(resultOf([])).toBe("none");
    expect(resultOf([optOut])).toBe("opted_out");
    expect(resultOf([optOut, listing])).toBe("found");
    expect(resultOf([listing, optOut])).toBe("found");
    expect(resultOf([null, { document: "x" }, { document: { entries: "many" } }])).toBe("opted_out");
  });
});
