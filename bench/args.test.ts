import { describe, expect, it } from "vitest";
import { parseBenchArgs, type BenchOptions } from "./args";

/** The bench's flags: defaults, and a clear refusal of each bad value before anything starts. */
const parse = (...argv: string[]) => parseBenchArgs(argv, 2) as BenchOptions;

describe("npm run bench flags", () => {
  it("defaults to one instance on the direct path, the private phases and the publish phase", () => {
    expect(parse()).toMatchObject({ instances: 1, instancePort: 3310, private: true, publish: true, publishConcurrency: 8, port: 3300 });
  });

  it("puts the instances after --port unless told where", () => {
    expect(parse("--instances", "3", "--port", "3400")).toMatchObject({ instances: 3, instancePort: 3410, port: 3400 });
    expect(parse("--instances", "2", "--instance-port", "4000")).toMatchObject({ instances: 2, instancePort: 4000 });
  });

  it("reads --no-private, --no-publish and --publish-concurrency", () => {
    expect(parse("--no-private", "--no-publish", "--publish-concurrency", "32")).toMatchObject({ private: false, publish: false, publishConcurrency: 32 });
  });

  it.each([
    [["--instances", "0"], '--instances must be an integer from 1 to 16, not "0"'],
    [["--instances", "17"], '--instances must be an integer from 1 to 16, not "17"'],
    [["--instances", "two"], '--instances must be an integer from 1 to 16, not "two"'],
    [["--publish-concurrency", "0"], '--publish-concurrency must be an integer from 1 to 256, not "0"'],
    [["--publish-concurrency", "1.5"], '--publish-concurrency must be an integer from 1 to 256, not "1.5"'],
    [["--instances", "2", "--instance-port", "65535"], '--instance-port must be an integer from 1 to 65534, not "65535"'],
    [["--instance-port", "4000"], "--instance-port needs --instances 2 or more (one instance listens on --port, without a balancer)"],
    [["--instances", "3", "--instance-port", "3299"], "--port 3300 is one of the instances' ports 3299-3301; choose another --instance-port"],
    [["--instances", "2", "--instance-port", "3301"], "--baseline-port 3301 is one of the instances' ports 3301-3302; choose another --instance-port"],
    [["--instances", "2", "--instance-port", "3302", "--baseline-port", "3311"], "--relay-port 3302 is one of the instances' ports 3302-3303; choose another --instance-port"],
  ])("refuses %j", (argv, message) => {
    expect(() => parseBenchArgs(argv, 2)).toThrow(message);
  });

  it("refuses a value given to a switch, and unknown flags", () => {
    expect(() => parseBenchArgs(["--no-private=yes"], 2)).toThrow(/no-private/u);
    expect(() => parseBenchArgs(["--private"], 2)).toThrow(/--private/u);
  });

  it("still refuses clashing ports and a bad database name", () => {
    expect(() => parseBenchArgs(["--port", "3301"], 2)).toThrow("--port, --baseline-port and --relay-port must differ");
    expect(() => parseBenchArgs(["--db-name", "postgres"], 2)).toThrow(/--db-name/u);
  });
});
