import { describe, expect, it } from "vitest";
import { createReplicaMonitor } from "./replica-monitor";
import type { PrimaryFacts, ReplicaFacts } from "./replica-health";

/** The monitor's own rule, checked one check at a time (the timer is an hour away); the facts come from a script. */
describe("the replica monitor", () => {
  const healthy: PrimaryFacts = { lsn: 10n, synchronousStandbyNames: "replica1", standby: { state: "streaming", syncState: "sync" } };
  const replaying: ReplicaFacts = { inRecovery: true, replayLsn: 10n };

  const monitorOf = (script: { primary: PrimaryFacts | Error; replica: ReplicaFacts | Error }) => {
    const answer = <T>(value: T | Error) => (value instanceof Error ? Promise.reject(value) : Promise.resolve(value));
    return createReplicaMonitor({ name: "replica1", maxLagMs: 1_000, intervalMs: 3_600_000, readPrimary: () => answer(script.primary), readReplica: () => answer(script.replica) });
  };

  it("serves from the standby only after two good checks in a row, and stops at the first bad one", async () => {
    const script: { primary: PrimaryFacts | Error; replica: ReplicaFacts | Error } = { primary: healthy, replica: replaying };
    const monitor = monitorOf(script);
    try {
      expect(monitor.usable).toBe(false);
      await monitor.check();
      expect(monitor.usable).toBe(false);
      await monitor.check();
      expect(monitor.usable).toBe(true);

      script.replica = { inRecovery: false, replayLsn: 10n };
      await monitor.check();
      expect(monitor.usable).toBe(false);
      expect(monitor.reason).toMatch(/not in recovery/u);

      // Good, bad, good: never two in a row, never used.
      script.replica = replaying;
      await monitor.check();
      script.replica = new Error("connection refused");
      await monitor.check();
      expect(monitor.reason).toMatch(/replica did not answer/u);
      script.replica = replaying;
      await monitor.check();
      expect(monitor.usable).toBe(false);
      await monitor.check();
      expect(monitor.usable).toBe(true);

      script.primary = new Error("connection refused");
      await monitor.check();
      expect(monitor.usable).toBe(false);
      expect(monitor.reason).toMatch(/primary did not answer/u);
    } finally {
      monitor.close();
    }
  });

  it("stops serving at once when a read on the standby fails, and needs two good checks again", async () => {
    const monitor = monitorOf({ primary: healthy, replica: replaying });
    try {
      await monitor.check();
      await monitor.check();
      expect(monitor.usable).toBe(true);
      monitor.reportFailure();
      expect(monitor.usable).toBe(false);
      await monitor.check();
      expect(monitor.usable).toBe(false);
      await monitor.check();
      expect(monitor.usable).toBe(true);
    } finally {
      monitor.close();
    }
  });
});
