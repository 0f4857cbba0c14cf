import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { balancerConfig } from "./balancer";

/** The bench's HAProxy configuration is the README's, with only the bench's changes: pinned here. */
describe("the bench's HAProxy configuration", () => {
  const config = balancerConfig({ port: 3400, instancePorts: [3410, 3411, 3412] });
  const settings = config.split("\n").filter((line) => !line.trimStart().startsWith("#"));

  it("listens on loopback, plain HTTP, and names every instance in both backends", () => {
    expect(settings.filter((line) => line.trim().startsWith("bind "))).toEqual(["  bind 127.0.0.1:3400"]);
    expect(settings.filter((line) => line.trim().startsWith("server "))).toEqual(
      [1, 2].flatMap(() => ["  server dp1 127.0.0.1:3410 check", "  server dp2 127.0.0.1:3411 check", "  server dp3 127.0.0.1:3412 check"]),
    );
    expect(settings.join("\n")).not.toMatch(/10\.0\.0\.|\/etc\/haproxy|ssl|X-Forwarded-Proto/u);
    // Requests that went wrong only: the log is where a closed or refused connection shows.
    expect(settings.filter((line) => /log/u.test(line)).map((line) => line.trim())).toEqual(["log stdout format raw local0", "log global", "option httplog", "option dontlog-normal"]);
    expect(config.split("\n")[0]).toMatch(/^# Written by npm run bench/u);
  });

  it("keeps the README's balancing, retries and readiness checks", () => {
    for (const kept of ["balance leastconn", "balance roundrobin", "retry-on conn-failure empty-response response-timeout", "option redispatch 1", "http-check send meth GET uri /api/health/ready", "option forwardfor"]) {
      expect(settings.some((line) => line.trim() === kept)).toBe(true);
    }
  });

  it("answers with the README's problem documents, from files that exist", () => {
    const files = settings.filter((line) => line.trim().startsWith("errorfile ")).map((line) => line.trim().split(/\s+/u)[2]!);
    expect(files).toHaveLength(3);
    for (const file of files) expect(existsSync(file)).toBe(true);
  });
});
