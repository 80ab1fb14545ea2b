/**
 * Where data files live and how they are read. A set's folder is, in order: `--root`, then
 * `$SCULPT_DATA/<dir>` when that variable is set, then the set's own defaults (the project's
 * shared/data folder beside the package, a Debian package path). Files may be gzipped (`x` or
 * `x.gz`). A missing file gets an error naming the expected path and where the data come from.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { SculptError } from "../../core/registry.js";

/** The folder holding sculpt's package.json (works from src/ under tsx and from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "sculpt") return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** The project's shared data folder (`<package>/../shared/data/<name>`). */
export const sharedData = (name: string) => join(packageRoot(), "..", "shared", "data", name);

export interface DataHome {
  /** Data set name, for messages. */
  name: string;
  /** Folder name under $SCULPT_DATA. */
  dir: string;
  /** Further folders to try, in order. */
  defaults: string[];
  /** Where to get the files, for the error message. */
  source: string;
}

/** Folders to look in for a set, in order (an explicit root is the only one). */
export function candidateRoots(home: DataHome, root?: string): string[] {
  if (root !== undefined) return [resolve(root)];
  const env = process.env.SCULPT_DATA;
  return [...(env ? [join(env, home.dir)] : []), ...home.defaults];
}

/** `<root>/<base>` or `<root>/<base>.gz`, whichever exists, else null. */
export function findFile(root: string, base: string): string | null {
  for (const p of [join(root, base), join(root, base + ".gz")]) if (existsSync(p) && statSync(p).isFile()) return p;
  return null;
}

/** The first candidate root holding every file in `bases`; else an error naming what was expected. */
export function locate(home: DataHome, bases: string[], root?: string): { root: string; files: string[] } {
  const roots = candidateRoots(home, root);
  for (const r of roots) {
    const files = bases.map((b) => findFile(r, b));
    if (files.every((f) => f !== null)) return { root: r, files: files as string[] };
  }
  const first = roots[0] ?? `$SCULPT_DATA/${home.dir}`;
  const missing = bases.filter((b) => findFile(first, b) === null);
  throw new SculptError(
    `${home.name}: missing ${missing.map((b) => `${join(first, b)}[.gz]`).join(", ")}` +
      (roots.length > 1 ? ` (also looked in ${roots.slice(1).join(", ")})` : ""),
    `${home.source}; put the files in one of those folders, set SCULPT_DATA, or pass --root DIR`,
  );
}

/** A file's bytes, un-gzipped when it is gzip (by magic number, so `.gz` naming is not required). */
export function readMaybeGz(path: string): Uint8Array {
  const raw = readFileSync(path);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (err) {
      throw new SculptError(`${path}: corrupt gzip data (${(err as Error).message})`, "download the file again");
    }
  }
  if (path.endsWith(".gz")) throw new SculptError(`${path}: named .gz but is not gzip data`, "gzip it or drop the .gz suffix");
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}
