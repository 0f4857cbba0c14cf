import { describe, expect, it } from "vitest";
import { clientNetwork } from "./client-network";

describe("clientNetwork", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["2001:db8:aa:bb::1", "2001:0db8:00aa:00bb::/64"],
    ["2001:DB8:AA:BB:ffff:ffff:ffff:ffff", "2001:0db8:00aa:00bb::/64"],
    ["2001:db8::1", "2001:0db8:0000:0000::/64"],
    ["::1", "0000:0000:0000:0000::/64"],
    ["fe80::1%eth0", "fe80:0000:0000:0000::/64"],
    ["2001:db8:1:2:3:4:198.51.100.7", "2001:0db8:0001:0002::/64"],
    ["unknown", "unknown"],
    // An embedded IPv4 is two groups: counted as one, the groups after "::" would shift into the /64.
    ["1::2:3:4:5:198.51.100.7", "0001:0000:0002:0003::/64"],
    ["1::2:3:4:5:6:7", "0001:0000:0002:0003::/64"],
    ["::FFFF:198.51.100.7", "198.51.100.7"],
    ["::ffff:999.1.1.1", "::ffff:999.1.1.1"],
    ["x::ffff:198.51.100.7", "x::ffff:198.51.100.7"],
    ["::ffff:198.51.100.7x", "::ffff:198.51.100.7x"],
    ["2001:db8:aa:bb::", "2001:0db8:00aa:00bb::/64"],
    ["::", "0000:0000:0000:0000::/64"],
    ["1:2:3:4:5:6:7:8", "0001:0002:0003:0004::/64"],
    ["2001:db8:aa:bb::1%25eth0", "2001:0db8:00aa:00bb::/64"],
    ["198.51.100.7%eth0", "198.51.100.7%eth0"],
    ["2001:db8::1%", "2001:0db8:0000:0000::/64"],
  ])("counts %s as %s", (address, network) => {
    expect(clientNetwork(address)).toBe(network);
  });

  it("tells two /64s apart and keeps every address of one /64 together", () => {
    expect(clientNetwork("2001:db8:aa:bb::1")).toBe(clientNetwork("2001:db8:aa:bb:1234:5678:9abc:def0"));
    expect(clientNetwork("2001:db8:aa:bb::1")).not.toBe(clientNetwork("2001:db8:aa:bc::1"));
  });
});
