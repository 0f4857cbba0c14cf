#!/usr/bin/env node
/** `mimi-verify <file | -> [--dp URL]`: see ../cli/verify.ts, which holds everything testable. */
import { runVerifyProcess } from "../cli/verify.ts";

process.exitCode = await runVerifyProcess();
