/** The Oblivious HTTP relay (Node only: node:http): run it with mimi-relay, or embed it with createRelay. */
export { createRelay, parseGatewayUrl, type RelayOptions } from "./relay/create-relay.ts";
export { relayUsage, runRelayProcess } from "./relay/cli.ts";
