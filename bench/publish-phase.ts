import path from "node:path";
import type { BenchOptions } from "./args";
import { cpuWindow, type CpuGroups } from "./cpu-usage";
import type { BenchDatabase } from "./database";
import { describeTimed, number, step } from "./output";
import { createPublishers, removePublishers } from "./publishers";
import { EDITOR_ACTIONS, measurePublishing } from "./publish";
import { findActionIds } from "./server-actions";
import { repoRoot } from "./servers";
import { verifyPublished, type SampleVerification } from "./verify-sample";

/** What the 2-core machine's SimpleWebAuthn verification (~1,800/s per core) leaves room for, from issue 10. */
export const PUBLISH_TARGET_PER_SECOND = 300;

/**
 * The publish phase, run last so that nothing it writes is in the table while another phase measures. Set-up
 * (not measured): one signed-in recipient per --publish-concurrency loop with a registered passkey and enough
 * verified identifiers, created in the database as the app would (bench/publishers.ts). Then the measurement
 * through the server actions, then a sample of the published mappings looked up through the app and verified with
 * the MSP kit's verifier, then the recipients and everything they published removed again (the database is as
 * seeded for the next --reuse run). Returns the verification, whose failures fail the run.
 */
export async function runPublishPhase(options: { flags: BenchOptions; database: BenchDatabase; sealing: Buffer; appUrl: string; apiKey: string; cpuGroups: CpuGroups }) {
  const { flags, database, sealing } = options;
  const issuer = database.state.issuer;
  const actionIds = findActionIds(path.join(repoRoot, ".next"), EDITOR_ACTIONS.page, EDITOR_ACTIONS.file, [EDITOR_ACTIONS.prepare, EDITOR_ACTIONS.publish]);
  step(`Publish signed mappings through the mapping editor's server actions: ${flags.publishConcurrency} signed-in recipients, ${flags.warmup} s warm-up + ${flags.duration} s`);
  const leftover = await removePublishers(database, sealing, new Date());
  if (leftover > 0) console.log(`  removed ${leftover} publish-phase recipient(s) an earlier run left behind`);
  // Enough identifiers that most publishes are first publishes; after a round, a publish replaces the mapping.
  const identifiersEach = Math.max(100, Math.ceil(16_000 / flags.publishConcurrency));
  const setupStarted = performance.now();
  const publishers = await createPublishers(database, { count: flags.publishConcurrency, identifiersEach, now: new Date() });
  console.log(`  set up ${publishers.length} recipient(s) with ${number(identifiersEach)} verified identifiers, a passkey and a session each in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s (not measured)`);
  try {
    const window = cpuWindow(options.cpuGroups);
    const { result, published, warmup } = await measurePublishing({
      base: options.appUrl,
      issuer,
      publishers,
      actionIds: { prepare: actionIds[EDITOR_ACTIONS.prepare]!, publish: actionIds[EDITOR_ACTIONS.publish]! },
      warmupSeconds: flags.warmup,
      seconds: flags.duration,
      window,
    });
    const cpu = window.perUnit(result.ok);
    console.log(`  ${describeTimed(result, "published mappings")} (target ${number(PUBLISH_TARGET_PER_SECOND)}/s)${warmup.errors > 0 ? `; ${warmup.errors} error(s) during warm-up` : ""}`);

    let verification: SampleVerification | null = null;
    if (flags.verifySample > 0 && published.size > 0) {
      step(`Look up ${Math.min(flags.verifySample, published.size)} of the ${number(published.size)} identifiers just published through the app and verify them with the MSP kit's verifier`);
      verification = await verifyPublished({ base: options.appUrl, issuer, apiKey: options.apiKey, published: [...published.values()], size: flags.verifySample, seed: flags.randomSeed });
      for (const failure of verification.failures.slice(0, 5)) console.error(`  ${failure.csi}: ${failure.problem}`);
      console.log(`  ${verification.verified} / ${verification.sampled} verify`);
    } else if (flags.verifySample === 0) {
      console.log("  the published mappings are not looked up and verified: --verify-sample 0");
    }
    console.log(`    CPU ms per published mapping: ${Object.entries(cpu.msPerUnit).map(([group, ms]) => `${group} ${ms ?? "n/a"}`).join(", ")}`);
    return { result, warmup, identifiers: published.size, recipients: publishers.length, identifiersEach, verification, cpu };
  } finally {
    await removePublishers(database, sealing, new Date());
  }
}
