import { describe, expect, it } from "vitest";
import { judgeReplica, parseStandbyNames, primaryWaitsFor, replayLagMs, type PrimaryFacts, type ReplicaFacts } from "./replica-health";

const streaming: PrimaryFacts = { lsn: 1_000n, synchronousStandbyNames: "replica1", standby: { state: "streaming", syncState: "sync" } };
const standby: ReplicaFacts = { inRecovery: true, replayLsn: 1_000n };
const judge = (primary: Partial<PrimaryFacts> = {}, replica: Partial<ReplicaFacts> = {}, samples = [{ at: 0, lsn: 1_000n }], now = 10) =>
  judgeReplica({ name: "replica1", primary: { ...streaming, ...primary }, replica: { ...standby, ...replica }, samples, maxLagMs: 1_000, now });

describe("synchronous_standby_names", () => {
  it("reads PostgreSQL's three forms, names without case unless quoted", () => {
    expect(parseStandbyNames("Replica1")).toEqual({ method: "first", count: 1, names: ["replica1"] });
    expect(parseStandbyNames("a, b")).toEqual({ method: "first", count: 1, names: ["a", "b"] });
    expect(parseStandbyNames('2 (a, "B")')).toEqual({ method: "first", count: 2, names: ["a", "B"] });
    expect(parseStandbyNames("FIRST 1 (a)")).toEqual({ method: "first", count: 1, names: ["a"] });
    expect(parseStandbyNames("any 2 (a, b)")).toEqual({ method: "any", count: 2, names: ["a", "b"] });
    expect(parseStandbyNames("  ")).toBeUndefined();
  });

  it("counts a standby only when every commit must wait for it", () => {
    expect(primaryWaitsFor("replica1", "replica1")).toBe(true);
    expect(primaryWaitsFor("REPLICA1", "replica1")).toBe(true);
    expect(primaryWaitsFor("ANY 2 (replica1, other)", "replica1")).toBe(true);
    expect(primaryWaitsFor("FIRST 2 (replica1, other)", "replica1")).toBe(true);
    // Another standby can confirm a commit in its place, and it would then serve what it missed.
    expect(primaryWaitsFor("replica1, other", "replica1")).toBe(false);
    expect(primaryWaitsFor("ANY 1 (replica1, other)", "replica1")).toBe(false);
    expect(primaryWaitsFor("*", "replica1")).toBe(false);
    expect(primaryWaitsFor("other", "replica1")).toBe(false);
    expect(primaryWaitsFor("", "replica1")).toBe(false);
    expect(primaryWaitsFor('"Replica1"', "replica1")).toBe(false);
  });
});

describe("replay lag", () => {
  const samples = [
    { at: 0, lsn: 100n },
    { at: 1_000, lsn: 200n },
    { at: 2_000, lsn: 300n },
  ];

  it("is 0 while the standby has replayed what the primary had, and since the first sample it lacks otherwise", () => {
    expect(replayLagMs(samples, 300n, 2_050)).toBe(0);
    expect(replayLagMs(samples, 250n, 2_050)).toBe(50);
    expect(replayLagMs(samples, 150n, 2_050)).toBe(1_050);
    expect(replayLagMs(samples, 50n, 2_050)).toBe(2_050);
  });
});

describe("judgeReplica", () => {
  it("serves from a streaming synchronous standby that keeps up", () => {
    expect(judge()).toEqual({ ok: true, lagMs: 0 });
    expect(judge({ synchronousStandbyNames: "ANY 1 (replica1)", standby: { state: "streaming", syncState: "quorum" } }).ok).toBe(true);
  });

  it.each([
    [{ synchronousStandbyNames: "" }, {}, /does not make every commit wait/u],
    [{ synchronousStandbyNames: "replica1, other" }, {}, /does not make every commit wait/u],
    [{ standby: undefined }, {}, /not connected/u],
    [{ standby: { state: "catchup", syncState: "sync" } }, {}, /catchup, not streaming/u],
    [{ standby: { state: "streaming", syncState: "async" } }, {}, /async, not a synchronous standby/u],
    [{ standby: { state: "streaming", syncState: "potential" } }, {}, /potential, not a synchronous standby/u],
    [{}, { inRecovery: false }, /not in recovery/u],
    [{}, { replayLsn: undefined }, /replayed nothing/u],
  ] as const)("refuses %o / %o", (primary, replica, reason) => {
    const verdict = judge(primary, replica);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it("refuses a standby whose replay is further behind than the bound, and not one just inside it", () => {
    expect(judge({}, { replayLsn: 999n }, [{ at: 0, lsn: 1_000n }], 1_001)).toMatchObject({ ok: false, reason: expect.stringMatching(/1001 ms behind/u) as unknown });
    expect(judge({}, { replayLsn: 999n }, [{ at: 0, lsn: 1_000n }], 1_000)).toEqual({ ok: true, lagMs: 1_000 });
  });
});
