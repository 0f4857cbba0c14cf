#!/usr/bin/env node
/** `mimi-lookup <csi> [--sender-msp ID] [--context TAG] [--sender CSI] [--dp URL]`: see ../cli/lookup.ts. */
import { runLookupProcess } from "../cli/lookup.ts";

process.exitCode = await runLookupProcess();
