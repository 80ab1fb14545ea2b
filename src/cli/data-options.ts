/** The shared data options (core/data/options.ts) as command-line flags, for every command that opens a set. */
import { resolve } from "node:path";
import type { Command } from "commander";
import {
  consoleProgress,
  DATA_OPTIONS,
  fetchableDatasets,
  fetchDataset,
  SculptError,
  type DataOptionName,
  type FetchResult,
} from "../node/index.js";

export interface DataFlags {
  root?: string;
  limit?: string;
  download?: boolean;
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

/** Add `--download` (for commands that open a set: fetch it first, as `sculpt data fetch`). */
export function withDownload(cmd: Command): Command {
  return cmd.option("--download", "fetch the data set first when its files are missing (as `sculpt data fetch`)");
}

/** What a fetch did, in one line. */
export function fetchLine(r: FetchResult): string {
  if (r.alreadyPresent) return `${r.name}: already present in ${r.folder}; nothing downloaded`;
  const got = r.downloaded.length ? `downloaded ${r.downloaded.join(", ")} (${(r.bytes / 1e6).toFixed(1)} MB), ` : "";
  return `${r.name}: ${got}checksums verified, ready in ${r.folder}`;
}

/**
 * With --download, fetch a downloadable set whose files are missing (fetchDataset downloads nothing
 * when they are present); progress and the result line go to stderr, keeping stdout the command's.
 */
export async function ensureDataFiles(name: string, flags: DataFlags): Promise<void> {
  if (!flags.download || !fetchableDatasets().includes(name)) return;
  const r = await fetchDataset(name, { root: flags.root, progress: consoleProgress() });
  if (!r.alreadyPresent) console.error(fetchLine(r));
}
