/**
 * A benchmark's own options: what follows the first flag of `npm run bench -- NAME … --flag`
 * (bench/run.ts takes the names before it), parsed strictly — an unknown or misspelt flag must not
 * start hours of training with the defaults. `--help` prints the usage.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>["values"];

export function benchArgs<O extends Options>(options: O, usage: string): Values<O> {
  const args = process.argv.slice(2);
  const first = args.findIndex((a) => a.startsWith("-"));
  const own = first < 0 ? [] : args.slice(first);
  if (own.includes("--help") || own.includes("-h")) {
    console.error(usage);
    process.exit(0);
  }
  try {
    return parseArgs<{ args: string[]; options: O; strict: true }>({ args: own, options, strict: true }).values;
  } catch (e) {
    return fail((e as Error).message, usage);
  }
}

/** A bad option: the problem, the usage, exit 2. */
export function fail(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}
