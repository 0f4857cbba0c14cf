/** `npm run verify -- <file | -> [--dp URL]`: the kit's mimi-verify, run from its sources. */
import { runVerifyProcess } from "@mimi-discovery/msp-kit/cli";

process.exitCode = await runVerifyProcess("npm run verify --");
