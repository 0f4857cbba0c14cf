import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spentOnce, usageHourly } from "@/db/schema";
import { flushUsage } from "@/lib/metrics/usage";
import { createTokenClient, decodeGenericBatchTokenResponse, DpError, encodeGenericBatchTokenRequest, prepareTokenRequest, privateLookup } from "@mimi-discovery/msp-kit";
import { createPrivateHarness } from "./private-harness";

/** Token issuance (RFC 9578 section 6; draft-ietf-privacypass-batched-tokens section 6), charged to the MSP's limits. */
let h: Awaited<ReturnType<typeof createPrivateHarness>>;
let mspKey: string;

beforeAll(async () => {
  h = await createPrivateHarness();
  mspKey = await h.app.mspKey("chat.example");
  await h.app.publishFor("bob@example.com");
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const tokens = (count: number, key = mspKey) => createTokenClient({ dp: h.dp, apiKey: key }).fetchTokens(count);

async function counts() {
  const [spent] = await h.app.db.select({ n: sql<number>`count(*)::int` }).from(spentOnce).where(sql`${spentOnce.scope} <> 'ohttp'`);
  await flushUsage(h.app.db);
  const [issued] = await h.app.db.select({ n: sql<number>`coalesce(sum(${usageHourly.tokensIssued}), 0)::int` }).from(usageHourly);
  return { spent: spent!.n, issued: issued!.n };
}

describe("token issuance", () => {
  it("issues no token beyond the MSP's limits (429), and refuses malformed token requests (422, 415)", async () => {
    const limited = await h.app.mspKey("tokens.example", { burst: 2, refill: 0.001 });
    await tokens(2, limited);
    const before = await counts();
    const error = await tokens(1, limited).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DpError);
    expect((error as DpError).refusal).toMatchObject({ status: 429, code: "rate_limited" });
    const post = (body: Uint8Array, type = "application/private-token-request") =>
      fetch(`${h.dp}/api/v1/privacy-pass/token-request`, { method: "POST", headers: { authorization: `Bearer ${mspKey}`, "content-type": type }, body: body as Uint8Array<ArrayBuffer> });
    const short = await post(new Uint8Array(10));
    expect([short.status, ((await short.json()) as { code: string }).code]).toEqual([422, "invalid_value"]);
    const otherType = await post(Uint8Array.of(0, 1, ...new Uint8Array(257)));
    expect(short.status).toBe(422);
    expect(otherType.status).toBe(422);
    expect((await post(new Uint8Array(259), "application/json")).status).toBe(415);
    expect(await counts()).toEqual(before);
  });


  it("issues a generic batch slot by slot: a slot naming a key that does not issue is left empty and not charged (206)", async () => {
    const batchKey = await h.app.mspKey("batch.example", { burst: 10, refill: 0.001 });
    const directory = (await (await fetch(`${h.dp}/.well-known/private-token-issuer-directory`)).json()) as { "token-keys": { "token-key": string }[] };
    const tokenKey = Buffer.from(directory["token-keys"][0]!["token-key"], "base64url");
    const metadata = (await (await fetch(`${h.dp}/.well-known/mimi-discovery`)).json()) as { private_lookup: { token_challenge: string } };
    const challenge = Buffer.from(metadata.private_lookup.token_challenge, "base64url");
    const pending = await Promise.all([0, 1, 2].map(() => prepareTokenRequest({ tokenKey, challenge })));
    const requests = pending.map((entry) => entry.request.slice());
    requests[1]![2] = (requests[1]![2]! + 1) % 256;
    const post = (body: Uint8Array, key = batchKey) =>
      fetch(`${h.dp}/api/v1/privacy-pass/token-request`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/private-token-generic-batch-request" }, body: body as Uint8Array<ArrayBuffer> });
    const before = await counts();
    const partial = await post(encodeGenericBatchTokenRequest(requests));
    expect(partial.status).toBe(206);
    expect(partial.headers.get("ratelimit-remaining")).toBe("8");
    const slots = decodeGenericBatchTokenResponse(new Uint8Array(await partial.arrayBuffer()));
    expect(slots.map((slot) => slot !== null)).toEqual([true, false, true]);
    const issued = await Promise.all([pending[0]!.finalize(slots[0]!), pending[2]!.finalize(slots[2]!)]);
    expect(await counts()).toEqual({ spent: before.spent, issued: before.issued + 2 });
    expect((await privateLookup(["bob@example.com", "carol@example.com"], { dp: h.dp, relay: h.relay, tokens: issued, method: "lookup" })).map((slot) => ("ok" in slot ? slot.ok : false))).toEqual([true, true]);

    // Beyond the limit, nothing of the batch is issued.
    const many = await Promise.all(Array.from({ length: 9 }, () => prepareTokenRequest({ tokenKey, challenge })));
    const limited = await post(encodeGenericBatchTokenRequest(many.map((entry) => entry.request)));
    expect(limited.status).toBe(429);
    expect(await counts()).toEqual({ spent: before.spent + 2, issued: before.issued + 2 });
  });


  it("fetches tokens in batches or one by one, as asked", async () => {
    const client = createTokenClient({ dp: h.dp, apiKey: mspKey });
    const [batched, single] = [await client.fetchTokens(5, { batchSize: 2 }), await client.fetchTokens(2, { batchSize: 1 })];
    expect([batched.length, single.length]).toEqual([5, 2]);
    expect(new Set([...batched, ...single].map((token) => Buffer.from(token).toString("hex"))).size).toBe(7);
    const answers = await privateLookup(["a1@example.com", "a2@example.com", "a3@example.com", "a4@example.com", "a5@example.com", "a6@example.com", "a7@example.com"], { dp: h.dp, relay: h.relay, tokens: [...batched, ...single], method: "lookup" });
    expect(answers.every((slot) => "result" in slot && slot.result === "none" && slot.ok)).toBe(true);
  });

});
