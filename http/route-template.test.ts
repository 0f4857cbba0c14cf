import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_TEMPLATES, routeTemplate } from "./route-template";

/** Every page.tsx and route.ts of app/, as the template of the paths it answers. */
function appRoutes(): string[] {
  const found: string[] = [];
  const walk = (dir: string, parts: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        const name = entry.name;
        if (name.startsWith("_")) continue;
        const part = /^\(.*\)$/u.test(name) ? null : /^\[\.\.\..+\]$/u.test(name) ? "*" : /^\[(.+)\]$/u.test(name) ? `:${name.slice(1, -1)}` : name;
        walk(path.join(dir, name), part === null ? parts : [...parts, part]);
      } else if (entry.name === "page.tsx" || entry.name === "route.ts") {
        found.push(`/${parts.join("/")}`);
      }
    }
  };
  walk(path.resolve(import.meta.dirname, "../app"), []);
  return [...new Set(found)];
}

describe("routeTemplate", () => {
  it("knows every page and route of app/", () => {
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) expect(ROUTE_TEMPLATES, route).toContain(route);
  });

  it("names a path by its template, without its query string or fragment", () => {
    expect(routeTemplate("/")).toBe("/");
    expect(routeTemplate("/csip/0b7c9a58-1111-4c3e-9f00-5a3a2f1e2d3c/removals?upload=1")).toBe("/csip/:csipId/removals");
    expect(routeTemplate("/admin/msps/chat.example")).toBe("/admin/msps/:id");
    expect(routeTemplate("/api/v1/lookup/batch")).toBe("/api/v1/lookup/batch");
    expect(routeTemplate("/api/auth/callback/credentials?callbackUrl=%2Faccount")).toBe("/api/auth/*");
    expect(routeTemplate("/_next/static/chunks/main.js")).toBe("/_next/*");
    expect(routeTemplate("/sign-in?identifier=alice%40example.com#x")).toBe("/sign-in");
  });

  it("calls anything else unmatched, so a typed path never reaches a log", () => {
    for (const typed of ["/alice@example.com", "/+14085551212", "/admin/msps/alice@example.com", "/csip/x/removals/extra", "/mappings/%2B1408/json", "/api/v1/lookup/tel:+1408"]) {
      expect(routeTemplate(typed), typed).toBe("(unmatched)");
    }
  });
});
