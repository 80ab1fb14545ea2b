/**
 * Where data files live and how they are read. A set's folder is `--root` when given, else
 * `$SCULPT_DATA/<set>` when that variable is set, else `<user cache>/<set>` (dataCacheDir: one
 * location for every set, the one `sculpt data fetch` fills), then a set's own fallbacks (e.g. a
 * Debian package path) only when neither --root nor SCULPT_DATA says otherwise. Files may be
 * gzipped (`x` or `x.gz`). A missing file gets an error naming the expected path and the fix.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
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

/**
 * The user's cache folder for sculpt's data: $XDG_CACHE_HOME/sculpt, else the platform's cache
 * folder (~/.cache/sculpt on Linux, ~/Library/Caches/sculpt on macOS, %LOCALAPPDATA%\sculpt\Cache
 * on Windows).
 */
export function dataCacheDir(): string {
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, "sculpt");
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches", "sculpt");
  if (process.platform === "win32") return join(process.env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "sculpt", "Cache");
  return join(homedir(), ".cache", "sculpt");
}

export interface DataHome {
  /** Data set name: for messages, and the folder under $SCULPT_DATA and the cache. */
  name: string;
  /** Further folders to try after the cache, only when neither --root nor SCULPT_DATA is given. */
  fallbacks?: string[];
  /** Where the files come from, for the error message. */
  source: string;
}

/** The one folder a set is read from first and fetched into: --root, $SCULPT_DATA/<set> or the cache. */
export function dataFolder(name: string, root?: string): string {
  if (root !== undefined) return resolve(root);
  const env = process.env.SCULPT_DATA;
  return env ? resolve(env, name) : join(dataCacheDir(), name);
}

/** Folders to look in for a set, in order (an explicit root or SCULPT_DATA is the only one). */
export function candidateRoots(home: DataHome, root?: string): string[] {
  const first = dataFolder(home.name, root);
  return root !== undefined || process.env.SCULPT_DATA ? [first] : [first, ...(home.fallbacks ?? [])];
}

/** `p` as one shell word (quoted only when it needs to be), for commands printed in messages. */
const shellWord = (p: string) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);

/**
 * How to get a set's files, for "missing" errors: fetch it (into `root` when the user gave one, so
 * the command fills the folder that was searched), or place the files by hand.
 */
export function fetchHint(home: DataHome, root?: string): string {
  const fetch = `sculpt data fetch ${home.name}${root === undefined ? "" : ` --root ${shellWord(resolve(root))}`}`;
  return `run \`${fetch}\` first (or add --download to sculpt train, sweep, eval or data info/preview/export), or place the files by hand (${home.source}); SCULPT_DATA or --root DIR choose the folder`;
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
  const first = roots[0];
  const missing = bases.filter((b) => findFile(first, b) === null);
  throw new SculptError(
    `${home.name}: missing ${missing.map((b) => `${join(first, b)}[.gz]`).join(", ")}` +
      (roots.length > 1 ? ` (also looked in ${roots.slice(1).join(", ")})` : ""),
    fetchHint(home, root),
  );
}

/**
 * A file's bytes, un-gzipped when it is gzip (by magic number, so `.gz` naming is not required).
 * `limit(head)` gives the most bytes the content may have from its first bytes (a header's declared
 * size): inflating stops there, so a small file that inflates to gigabytes is refused, not read.
 */
export function readMaybeGz(path: string, options: { limit?: (head: Uint8Array) => number } = {}): Uint8Array {
  const raw = readFileSync(path);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    let max: number | undefined;
    try {
      if (options.limit) {
        // The first bytes of the content: inflate a prefix, tolerating its cut-off end.
        const head = gunzipSync(raw.subarray(0, 4096), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
        max = options.limit(new Uint8Array(head.buffer, head.byteOffset, head.byteLength));
      }
      return gunzipSync(raw, max === undefined ? {} : { maxOutputLength: Math.max(1, max) });
    } catch (err) {
      if (err instanceof SculptError) throw err;
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" && max !== undefined) {
        throw new SculptError(
          `${path}: inflates to more data than its header declares (${max} bytes)`,
          "the file is corrupt or hostile; download it again",
        );
      }
      throw new SculptError(`${path}: corrupt gzip data (${(err as Error).message})`, "download the file again");
    }
  }
  if (path.endsWith(".gz")) throw new SculptError(`${path}: named .gz but is not gzip data`, "gzip it or drop the .gz suffix");
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}
