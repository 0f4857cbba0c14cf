import { describe, expect, it } from "vitest";
import { redactQueryErrors } from "./redact-console";

describe("redactQueryErrors", () => {
  it("replaces a logged error that carries a query (or has one in its causes) by its classes and codes", () => {
    const lines: unknown[][] = [];
    const target = { error: (...args: unknown[]) => lines.push(args), warn: () => {}, log: () => {}, info: () => {} };
    redactQueryErrors(target);
    const query = Object.assign(new Error("Failed query: select … where csi = $1\nparams: mailto:bob@example.com"), { query: "select …", params: ["mailto:bob@example.com"] });
    target.error("render failed", new Error("outer", { cause: query }), "plain text");
    target.error(Object.assign(new Error("duplicate key"), { code: "23505", parameters: ["tel:+14085551212"] }));
    target.error(new Error("not a query"));
    expect(JSON.stringify(lines.slice(0, 2))).not.toMatch(/bob@example\.com|4085551212|select/u);
    expect(lines[0]).toEqual(["render failed", "[Error <- Error]", "plain text"]);
    expect(lines[1]).toEqual(["[Error(23505)]"]);
    expect((lines[2]![0] as Error).message).toBe("not a query");
  });
});
