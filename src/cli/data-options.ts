/** The shared data options (core/data/options.ts) as command-line flags, for every command that opens a set. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { DATA_OPTIONS, SculptError, type DataOptionName } from "../node/index.js";

export interface DataFlags {
  root?: string;
  limit?: string;
}

/** Add the data option flags (all, or those named) to a command. */
export function withDataOptions(cmd: Command, names: readonly DataOptionName[] = ["root", "limit"]): Command {
  for (const name of names) cmd.option(DATA_OPTIONS[name].flag, DATA_OPTIONS[name].help);
  return cmd;
}

/** The loader options the flags give (a root made absolute, so a run folder can be resumed from anywhere). */
export function dataOptions(flags: DataFlags): { root?: string; limit?: number } {
  const out: { root?: string; limit?: number } = {};
  if (flags.root !== undefined) out.root = resolve(flags.root);
  if (flags.limit !== undefined) {
    const parsed = DATA_OPTIONS.limit.schema.safeParse(Number(flags.limit));
    if (!parsed.success) throw new SculptError(`--limit must be a positive whole number (got '${flags.limit}')`);
    out.limit = parsed.data;
  }
  return out;
}
