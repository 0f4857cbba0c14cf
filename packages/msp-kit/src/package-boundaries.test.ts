import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL(".", import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(src, "../package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : [],
  );
}

function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"'`;]*?from\s*"([^"]+)"|(?:^|\n)\s*import\s*"([^"]+)"/gu)].map((match) => (match[1] ?? match[2])!);
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * The kit is installed by MSPs on its own: nothing in it may reach into the DP that lives beside it in this
 * repository, and every package it imports must be one it declares (its tests may use its dev dependencies and
 * the repository's test tools).
 */
describe("the kit's package boundary", () => {
  const files = sources(src);

  it("imports nothing outside its own folder", () => {
    const escapes = files.flatMap((file) =>
      specifiers(file)
        .filter((specifier) => specifier.startsWith("@/") || (specifier.startsWith(".") && !path.resolve(path.dirname(file), specifier).startsWith(src)))
        .map((specifier) => `${path.relative(src, file)}: ${specifier}`),
    );
    expect(escapes).toEqual([]);
  });

  it("imports only the packages it declares, and node: built-ins by their node: name", () => {
    const declared = new Set(Object.keys(manifest.dependencies));
    const testOnly = new Set([...Object.keys(manifest.devDependencies), "vitest", "fast-check", "@simplewebauthn/server"]);
    const undeclared = files.flatMap((file) =>
      specifiers(file)
        .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:"))
        .filter((specifier) => {
          const name = packageOf(specifier);
          if (builtinModules.includes(name)) return true;
          return !(declared.has(name) || (file.endsWith(".test.ts") && testOnly.has(name)));
        })
        .map((specifier) => `${path.relative(src, file)}: ${specifier}`),
    );
    expect(undeclared).toEqual([]);
  });
});
