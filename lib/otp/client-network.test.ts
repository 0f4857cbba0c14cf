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
  ])("counts %s as %s", (address, network) => {
    expect(clientNetwork(address)).toBe(network);
  });

  it("tells two /64s apart and keeps every address of one /64 together", () => {
    expect(clientNetwork("2001:db8:aa:bb::1")).toBe(clientNetwork("2001:db8:aa:bb:1234:5678:9abc:def0"));
    expect(clientNetwork("2001:db8:aa:bb::1")).not.toBe(clientNetwork("2001:db8:aa:bc::1"));
  });
});
