/** The wire format of the discovery protocol: zod schemas, and the TypeScript types inferred from them. */
export * from "./ids.ts";
export * from "./mapping.ts";
export * from "./lookup.ts";
export * from "./metadata.ts";
export * from "./problem.ts";
export * from "./removals.ts";
export * from "./private-buckets.ts";
