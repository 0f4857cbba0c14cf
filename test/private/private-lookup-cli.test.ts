import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrivateHarness } from "./private-harness";

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

describe("mimi-lookup --private --relay URL", () => {
  it("shows the whole private path and verifies the answer", async () => {
    const { runLookupCli } = await import("@mimi-discovery/msp-kit/cli");
    const out: string[] = [];
    const errors: string[] = [];
    const status = await runLookupCli({
      argv: ["Bob@Example.COM", "--private", "--relay", h.relay, "--dp", h.dp, "--sender-msp", "other.example"],
      env: { MIMI_API_KEY: mspKey },
      fetch: globalThis.fetch,
      write: (line) => out.push(line),
      writeError: (line) => errors.push(line),
    });
    expect(errors).toEqual([]);
    expect(status).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("3. Private lookup");
    expect(text).toContain(`POST ${h.relay} message/ohttp-req`);
    expect(text).toContain(`POST ${h.dp}/api/v1/private/evaluate`);
    expect(text).toContain(`POST ${h.dp}/api/v1/private/buckets`);
    expect(text).toContain("answer: result found, 1 mapping");
    expect(text).toMatch(/✓/u);
    expect(text).toContain("Preferred MSP: chat.example");
    const usage: string[] = [];
    expect(await runLookupCli({ argv: ["bob@example.com", "--private"], env: { MIMI_API_KEY: mspKey }, fetch: globalThis.fetch, write: () => {}, writeError: (line) => usage.push(line) })).toBe(2);
    expect(usage.join("\n")).toContain("--private needs --relay URL");
  });
});
