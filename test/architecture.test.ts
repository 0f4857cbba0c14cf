import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: fileURLToPath(new URL("..", import.meta.url)) });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = imported;\n`, { filePath });
  return result!.messages.filter((message) => message.ruleId === "@typescript-eslint/no-restricted-imports").map((message) => message.message);
}

/** The layers of README's "Architecture" are lint rules: a wrong arrow fails `npm run lint`. */
describe("the DP's layers", () => {
  it.each([
    ["lib/mappings/example.ts", 'import { headers as imported } from "next/headers";', /framework-free/u],
    ["lib/mappings/example.ts", 'import { useState as imported } from "react";', /framework-free/u],
    ["lib/mappings/example.ts", 'import { auth as imported } from "@/web/auth";', /the web edge and the HTTP layer call it/u],
    ["lib/mappings/example.ts", 'import { ApiError as imported } from "@/http/problem";', /the web edge and the HTTP layer call it/u],
    ["lib/mappings/example.ts", 'import { imported } from "../otp/rules";', /through @\//u],
    ["http/example.ts", 'import { NextResponse as imported } from "next/server";', /runs outside Next/u],
    ["http/example.ts", 'import { getClientIp as imported } from "@/web/services";', /never the web edge/u],
    ["http/example.ts", 'import { POST as imported } from "@/app/api/v1/lookup/route";', /never the web edge or pages/u],
    ["http/example.test.ts", 'import imported from "@/app/docs/api/page";', /never a page/u],
    ["http/example.test.ts", 'import { getClientIp as imported } from "@/web/services";', /never the web edge/u],
    ["web/example.ts", 'import { imported } from "@/components/site-header";', /never imports a page or component/u],
    ["packages/msp-kit/src/example.ts", 'import { now as imported } from "@/lib/clock";', /imports nothing of the DP/u],
  ])("refuses, in %s, %s", async (filePath, code, message) => {
    const errors = await layerErrors(filePath, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ["lib/mappings/example.ts", 'import { now as imported } from "@/lib/clock";'],
    ["lib/mappings/example.ts", 'import { imported } from "./limits";'],
    ["http/example.ts", 'import { imported } from "@/lib/lookup/lookup-csis";'],
    ["http/example.test.ts", 'import { POST as imported } from "@/app/api/v1/lookup/route";'],
    ["web/example.ts", 'import { redirect as imported } from "next/navigation";'],
    ["app/example/page.tsx", 'import { requireSession as imported } from "@/web/current-session";'],
  ])("allows, in %s, %s", async (filePath, code) => {
    expect(await layerErrors(filePath, code)).toEqual([]);
  });
});

/** Server code logs failures through lib/log, which never prints a message: a console call is a lint error. */
describe("logging", () => {
  const consoleErrors = async (filePath: string) => {
    const [result] = await eslint.lintText('export function failed(error: unknown) {\n  console.error("failed", error);\n}\n', { filePath });
    return result!.messages.filter((message) => message.ruleId === "no-console");
  };

  it.each(["lib/otp/example.ts", "web/example.ts", "http/example.ts", "app/example/route.ts", "components/example.tsx"])("refuses console in %s", async (filePath) => {
    expect(await consoleErrors(filePath)).toHaveLength(1);
  });

  it("allows it in the logging module itself", async () => {
    expect(await consoleErrors("lib/log/example.ts")).toEqual([]);
  });
});

/**
 * Lookups read from a streaming standby while it is safe (db/lookup-reader.ts). A door that read mappings from the
 * primary client directly would still answer correctly, so no other test would notice it bypassing the standby;
 * and a new reader of mappings must say which it is. Every reader of what lookups serve is listed here.
 */
describe("lookup doors", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const sources = (folder: string): string[] =>
    readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(folder, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(relative);
      return /\.tsx?$/u.test(entry.name) && !/\.test\.tsx?$/u.test(entry.name) ? [relative] : [];
    });
  const readers = /(?<!function )\b(lookupCsis|readBuckets)\(\s*([A-Za-z_$][\w$]*)/gu;
  // The doors read through readForLookup, whose callback names its database `source`.
  const doors = ["http/private-buckets.ts", "http/private-lookup.ts", "lib/federation/lookup-across-dps.ts"];
  // On the primary on purpose: inside the transaction that rewrites the records, and a recipient's own pages.
  const primaryReaders = ["lib/private/write-records.ts", "lib/mappings/preview-lookup.ts", "app/(portal)/mappings/page.tsx"];
  const calls = new Map(
    ["app", "db", "http", "lib", "web", "components", "scripts"].flatMap(sources).flatMap((file) => {
      const found = [...readFileSync(path.join(root, file), "utf8").matchAll(readers)].map((match) => match[2]!);
      return found.length > 0 ? [[file, found] as const] : [];
    }),
  );

  it("finds every reader of mappings and records, and each is a door or a named primary reader", () => {
    expect([...calls.keys()].sort()).toEqual([...doors, ...primaryReaders].sort());
  });

  // What lookups serve changes only in transactions: with a replica, a transaction's COMMIT is what waits for the
  // standby (db/guarded-sql.ts); a statement on its own commits without waiting. Reminder bookkeeping changes
  // columns lookups never read.
  it("changes mappings and private-lookup records only inside transactions", () => {
    const writes = /\b([A-Za-z_$][\w$]*)\s*\.\s*(?:update|insert|delete)\(\s*(mappings|privateRecords)\s*\)/gu;
    const outside = ["app", "db", "http", "lib", "web", "components", "scripts"].flatMap(sources).flatMap((file) =>
      [...readFileSync(path.join(root, file), "utf8").matchAll(writes)].filter((match) => match[1] !== "tx").map((match) => `${file}: ${match[1]}.${match[2]}`),
    );
    expect(outside).toEqual(["lib/mappings/remind-expiring.ts: db.mappings", "lib/mappings/remind-expiring.ts: db.mappings"]);
  });

  it.each(doors)("%s reads through readForLookup, never the primary client", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    expect(text).toContain('import { readForLookup } from "@/db/lookup-reader"');
    expect(text).not.toMatch(/from "@\/db\/index"/u);
    expect(calls.get(file)!.every((argument) => argument === "source")).toBe(true);
  });

  it.each(["app/api/v1/lookup/route.ts", "app/api/v1/lookup/batch/route.ts", "app/api/v1/federation/lookup/route.ts"])("%s answers through lookupAcrossDps", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    expect(text).toContain("await lookupAcrossDps(");
    expect(text).not.toMatch(/from "@\/db\/index"|lookupCsis|readBuckets/u);
  });
});
