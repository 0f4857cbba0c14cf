import { describe, expect, it } from "vitest";
import type { Directory, DirectoryDp } from "@mimi-discovery/msp-kit";
import { planLookup } from "./plan-lookup";

function dp(issuer: string, e164: string[], email: string[] = []): DirectoryDp {
  return {
    issuer,
    rp_id: new URL(issuer).hostname,
    jwks_uri: `${issuer}/jwks`,
    endpoints: { metadata: `${issuer}/m`, federation_lookup: `${issuer}/l`, invalidation: `${issuer}/i` },
    region: "r",
    authoritative_for: { e164_prefixes: e164, email_domains: email },
  };
}

const us = dp("https://dp-us.example", ["+1"]);
const eu = dp("https://dp-eu.example", ["+33", "+49"]);
const mail = dp("https://dp-mail.example", [], ["mail.example"]);
const directory: Directory = { v: 1, iss: "d", iat: 0, exp: 1, dps: [us, eu, mail] };
const csis = ["tel:+14155550123", "tel:+33612345678", "mailto:a@mail.example", "tel:+442079460001"];

const asked = (plan: ReturnType<typeof planLookup>) => Object.fromEntries([...plan.remote].map(([issuer, entry]) => [issuer, entry.csis]));

describe("where each CSI is asked (protocol section 8)", () => {
  it("hierarchical: here for its own and unclaimed CSIs, at the authoritative DP for the others", () => {
    const plan = planLookup({ csis, directory, self: us, mode: "hierarchical", hops: 0, maxHops: 2 });
    expect(plan.local).toEqual(["tel:+14155550123", "tel:+442079460001"]);
    expect(asked(plan)).toEqual({ [eu.issuer]: ["tel:+33612345678"], [mail.issuer]: ["mailto:a@mail.example"] });
  });

  it("federated: an unclaimed CSI is also asked of every peer but the asker", () => {
    const plan = planLookup({ csis: ["tel:+442079460001"], directory, self: us, mode: "federated", hops: 1, maxHops: 2, askedBy: eu.issuer });
    expect(plan.local).toEqual(["tel:+442079460001"]);
    expect(asked(plan)).toEqual({ [mail.issuer]: ["tel:+442079460001"] });
  });

  it("never sends a request past the hop limit, and says which DPs it therefore did not ask", () => {
    const plan = planLookup({ csis, directory, self: us, mode: "hierarchical", hops: 2, maxHops: 2 });
    expect(plan.remote.size).toBe(0);
    expect(plan.beyondHopLimit).toEqual([eu.issuer, mail.issuer]);
  });

  it("never asks the DP that asked, even when it is the authoritative one", () => {
    const plan = planLookup({ csis: ["tel:+33612345678"], directory, self: us, mode: "hierarchical", hops: 1, maxHops: 3, askedBy: eu.issuer });
    expect(plan.remote.size).toBe(0);
    expect(plan.local).toEqual([]);
  });
});
