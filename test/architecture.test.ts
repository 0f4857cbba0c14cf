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
