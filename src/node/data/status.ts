/**
 * Whether a downloadable set is present, and where: the folders its loader reads (--root,
 * $SCULPT_DATA/<set> or the user cache, then system fallbacks; files.ts) checked against the
 * `present` list declared beside its loader. A gzipped
 * file counts with or without its .gz (the loaders read both).
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import type { DatasetEntry } from "../../core/data/types.js";
import { lookup, SculptError } from "../../core/registry.js";
import { candidateRoots } from "./files.js";
import { DATASETS } from "./index.js";

export interface DataStatus {
  name: string;
  folder: string;
  present: boolean;
  /** Paths under `folder` still missing. */
  missing: string[];
}

const withOrWithoutGz = (p: string) => existsSync(p) || existsSync(p.endsWith(".gz") ? p.slice(0, -3) : `${p}.gz`);
/** `folder/path`, or the file straight in `folder` (the loaders accept an archive's folder or its contents). */
const exists = (folder: string, path: string) => withOrWithoutGz(join(folder, path)) || withOrWithoutGz(join(folder, basename(path)));

/** The sets `sculpt data fetch` can download. */
export function fetchableDatasets(): string[] {
  return Object.entries(DATASETS as Record<string, DatasetEntry>)
    .filter(([, e]) => e.download)
    .map(([n]) => n);
}

/** The entry's download declaration, or an error listing the sets that have one. */
export function downloadOf(name: string) {
  const entry: DatasetEntry = lookup(DATASETS, name, "dataset");
  if (!entry.download) {
    throw new SculptError(`'${name}' has nothing to download`, `sculpt data fetch takes one of: ${fetchableDatasets().join(", ")}`);
  }
  return entry.download;
}

/**
 * The set's status in the first folder the loader reads that holds every path of `needed` (by
 * default the whole set), else in its fetch folder.
 */
export function dataStatus(name: string, root?: string, needed?: string[]): DataStatus {
  const download = downloadOf(name);
  const folders = candidateRoots({ name, source: "", fallbacks: download.fallbacks }, root);
  const statuses = folders.map((folder) => {
    const missing = (needed ?? download.present).filter((p) => !exists(folder, p));
    return { name, folder, present: missing.length === 0, missing };
  });
  return statuses.find((s) => s.present) ?? statuses[0];
}
