/** `npm run relay -- --gateway https://dp.example/api/v1/ohttp [--port 8787]`: the kit's mimi-relay. */
import { runRelayProcess } from "@mimi-discovery/msp-kit/relay";

process.exitCode = await runRelayProcess("npm run relay --");
