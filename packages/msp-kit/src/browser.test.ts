import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * The browser entry must run in a browser: bundled for the browser platform, nothing it reaches may need a Node
 * built-in. esbuild refuses to resolve one there, so a node: import anywhere in the graph fails the build.
 */
describe("the browser entry", () => {
  it("bundles for browsers with no Node built-in anywhere in its import graph", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("./browser.ts", import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith("node:") || /^(crypto|fs|util|stream|path)$/u.test(input))).toEqual([]);
    // The whole public surface is there: the verifier, the resolver, the client, and the private lookup with its tokens.
    const source = result.outputFiles[0]!.text;
    for (const name of ["createLookupClient", "verifyMapping", "resolveForSender", "parseIdentifier", "canonicalize", "privateLookup", "createTokenClient", "encapsulateRequest", "prepareTokenRequest"]) expect(source).toContain(name);
  });
});
