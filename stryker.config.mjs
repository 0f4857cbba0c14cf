// Base options for `npm run test:mutation`: test/mutation/run-mutation.ts runs Stryker once per folder, each with
// its own `mutate` globs, incremental file and report, so that a folder's rerun reuses its own earlier results.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  // Only the test files that import a mutated file run for it; perTest coverage narrows that to the tests that
  // reach the mutant.
  vitest: { configFile: "vitest.config.ts", related: true },
  coverageAnalysis: "perTest",
  // Two cores, shared with other work: never more than two test processes.
  concurrency: 2,
  timeoutMS: 30_000,
  timeoutFactor: 2,
  // Static mutants (values computed when a module loads) are never activated when a test filter is set, which
  // run-mutation.ts does per folder, so they are all reported survived without being tested (stryker-js #6144,
  // #6209, open). Counted as ignored rather than as false survivors; the folder's tests still load those values.
  ignoreStatic: true,
  incremental: true,
  reporters: ["clear-text", "progress", "html", "json"],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  ignorePatterns: [".next", ".data", "test-results", "playwright-report", "bench-results"],
  // Mutants are type errors more often than not: type checks are the compiler's job, not the mutants'.
  disableTypeChecks: "{lib,packages,http,web,app,test,db}/**/*.{ts,tsx}",
};
