#!/usr/bin/env node
/** `mimi-relay --gateway URL [--port 8787]`: see ../relay/cli.ts. */
import { runRelayProcess } from "../relay/cli.ts";

process.exitCode = await runRelayProcess();
