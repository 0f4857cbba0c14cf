/** `npm run lookup -- <csi> [--sender-msp ID] [--context TAG] [--sender CSI] [--dp URL]`: the kit's mimi-lookup. */
import { runLookupProcess } from "@mimi-discovery/msp-kit/cli";

process.exitCode = await runLookupProcess("npm run lookup --");
