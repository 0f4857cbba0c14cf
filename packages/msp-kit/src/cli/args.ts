import { parseArgs } from "node:util";

/** A usage mistake: the command prints it with its usage and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type ParsedCommandLine = { help: true } | { help: false; values: Map<string, string>; flags: Set<string>; positionals: string[] };

/**
 * Both commands read their arguments through node:util's parseArgs, in its lenient mode, so that each mistake gets
 * our own sentence instead of Node's: every option takes a value, given once, and a value that looks like the next
 * option ("--context --dp x") is a forgotten value, not a context called "--dp". "-" stays a positional (stdin).
 */
export function parseCommandLine(argv: string[], optionNames: readonly string[], flagNames: readonly string[] = []): ParsedCommandLine {
  const options = Object.fromEntries([
    ...optionNames.map((name) => [name, { type: "string" as const }]),
    ...flagNames.map((name) => [name, { type: "boolean" as const }]),
    ["help", { type: "boolean" as const, short: "h" }],
  ]);
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === "option-terminator") continue;
    if (token.name === "help") return { help: true };
    const flag = token.rawName.startsWith("--") ? token.rawName : `--${token.name}`;
    if (flagNames.includes(token.name)) {
      if (token.inlineValue) throw new UsageError(`${flag} takes no value`);
      flags.add(token.name);
      continue;
    }
    if (!optionNames.includes(token.name)) throw new UsageError(`unknown option ${token.rawName}`);
    const value = token.value;
    if (value === undefined || value.trim() === "" || (!token.inlineValue && value.startsWith("--"))) {
      throw new UsageError(`${flag} needs a value`);
    }
    if (values.has(token.name)) throw new UsageError(`${flag} is given twice`);
    values.set(token.name, value);
  }
  return { help: false, values, flags, positionals };
}
