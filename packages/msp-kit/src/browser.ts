/**
 * The browser entry. It is the universal entry under the name bundlers look for: a test bundles it for the browser
 * and fails if anything it reaches imports a node: module.
 */
export * from "./index.ts";
