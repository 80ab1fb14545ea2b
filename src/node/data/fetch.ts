/**
 * `sculpt data fetch`: download a set's files (declared beside its loader as `download`) into its
 * folder (files.ts: --root, $SCULPT_DATA/<set> or the user cache), the way torchvision's
 * download=True does, with these guarantees:
 * - each file streams into `<file>.part`; an interrupted download resumes with an HTTP Range
 *   request (a dropped connection is resumed a few times at once, a killed process on the next run);
 * - the whole file is checked against its published MD5/SHA-256 before it is renamed into place,
 *   so a kill at any moment leaves no half file under the real name; a mismatch deletes the
 *   download and names the file and both sums;
 * - archives are unpacked into a temporary folder inside the set's folder and moved into place
 *   only when complete, then deleted;
 * - a set already present downloads nothing; a file already in place is verified, not fetched.
 * SCULPT_DATA_SOURCES may name a JSON file `{ "<set>": { files, present } }` replacing the declared
 * URLs and checksums (a private mirror; the tests' local server): verification is never skipped.
 */
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { once } from "node:events";
import { basename, join } from "node:path";
import { z } from "zod";
import type { DataDownload, RemoteFile } from "../../core/data/types.js";
import { SculptError } from "../../core/registry.js";
import { extractArchive } from "./extract.js";
import { dataFolder } from "./files.js";
import { dataStatus, downloadOf } from "./status.js";

/** Where a download reports progress (progress.ts draws it on a terminal or as plain lines). */
export interface FetchProgress {
  /** A transfer begins: `from` bytes are already on disk (a resumed download); total when known. */
  start(file: string, url: string, from: number, total: number | undefined): void;
  advance(bytes: number): void;
  end(): void;
  /** One line of news (resuming, verifying, unpacking). */
  note(line: string): void;
}

export interface FetchOptions {
  /** The set's folder (default: $SCULPT_DATA/<set> or the user cache). */
  root?: string;
  /** Replace the declared files (URLs and checksums). */
  download?: DataDownload;
  progress?: FetchProgress;
  /** No data for this long counts as a dropped connection (default 60 s). */
  idleTimeoutMs?: number;
  /** Resumes per URL after a dropped connection, within one fetch (default 3). */
  resumes?: number;
}

export interface FetchResult {
  name: string;
  folder: string;
  /** Files transferred (wholly or partly) by this call. */
  downloaded: string[];
  /** Bytes transferred by this call. */
  bytes: number;
  /** True when everything was already in place and nothing was touched. */
  alreadyPresent: boolean;
}

const SILENT: FetchProgress = { start() {}, advance() {}, end() {}, note() {} };

const remoteFileSchema = z
  .object({
    file: z
      .string()
      .regex(/^[^/\\]+$/, "a plain file name")
      .refine((f) => f !== "." && f !== "..", "a plain file name"),
    urls: z.array(z.string().url()).min(1),
    md5: z
      .string()
      .regex(/^[0-9a-f]{32}$/i)
      .optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i)
      .optional(),
    extract: z.enum(["tar.gz", "zip"]).optional(),
  })
  .refine((f) => f.md5 || f.sha256, "each file needs an md5 or a sha256");
const sourcesSchema = z.record(z.string(), z.object({ files: z.array(remoteFileSchema).min(1), present: z.array(z.string()).min(1) }));

/** The set's entry in the SCULPT_DATA_SOURCES file, if that variable is set. */
function sourcesFromEnv(name: string): DataDownload | undefined {
  const path = process.env.SCULPT_DATA_SOURCES;
  if (!path) return undefined;
  let parsed: z.infer<typeof sourcesSchema>;
  try {
    parsed = sourcesSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (err) {
    throw new SculptError(
      `SCULPT_DATA_SOURCES=${path}: ${(err as Error).message.split("\n")[0]}`,
      'expected { "<set>": { "files": [...], "present": [...] } }',
    );
  }
  return parsed[name];
}

class HttpStatus extends Error {}
/** The connection ended before the file did; what arrived stays in the .part file. */
class Dropped extends Error {}

/** Hex digests of a file, streamed. */
async function digests(path: string): Promise<{ md5: string; sha256: string }> {
  const md5 = createHash("md5");
  const sha256 = createHash("sha256");
  for await (const chunk of createReadStream(path)) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return { md5: md5.digest("hex"), sha256: sha256.digest("hex") };
}

/** Null when `path` matches every published sum of `f`, else "expected … got …". */
async function mismatch(f: RemoteFile, path: string): Promise<string | null> {
  const got = await digests(path);
  const bad = (["md5", "sha256"] as const).filter((k) => f[k] && f[k]!.toLowerCase() !== got[k]);
  return bad.length ? bad.map((k) => `expected ${k} ${f[k]!.toLowerCase()}, got ${got[k]}`).join("; ") : null;
}

/**
 * One HTTP transfer of `url` into `part`, resuming from its current size. Throws HttpStatus for a
 * refused request, Dropped when the body ends early or stalls, anything else for a failed
 * connection. Returns the bytes received.
 */
async function transfer(f: RemoteFile, url: string, part: string, progress: FetchProgress, idleMs: number): Promise<number> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const controller = new AbortController();
  let idle = setTimeout(() => controller.abort(), idleMs);
  const res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: controller.signal }).catch(
    (err: unknown) => {
      clearTimeout(idle);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(cause?.code ?? cause?.message ?? (err as Error).message);
    },
  );
  if (res.status === 416 && have > 0) {
    clearTimeout(idle);
    await res.body?.cancel();
    return 0; // the .part already holds the whole file; verification decides
  }
  if (res.status !== 200 && res.status !== 206) {
    clearTimeout(idle);
    await res.body?.cancel();
    throw new HttpStatus(`HTTP ${res.status} ${res.statusText}`.trim());
  }
  const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
  const append = res.status === 206 && range !== null && Number(range[1]) === have;
  if (res.status === 206 && !append) {
    clearTimeout(idle);
    await res.body?.cancel();
    rmSync(part, { force: true });
    throw new Dropped(`the server answered the resume with an unexpected range (${res.headers.get("content-range")}); starting over`);
  }
  const length = res.headers.has("content-length") ? Number(res.headers.get("content-length")) : undefined;
  progress.start(f.file, url, append ? have : 0, length === undefined ? undefined : (append ? have : 0) + length);
  const out = createWriteStream(part, { flags: append ? "a" : "w" });
  let got = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), idleMs);
      got += chunk.length;
      if (!out.write(chunk)) await once(out, "drain");
      progress.advance(chunk.length);
    }
  } catch (err) {
    throw new Dropped(controller.signal.aborted ? `no data for ${idleMs / 1000} s` : ((err as Error).message ?? String(err)));
  } finally {
    clearTimeout(idle);
    out.end();
    await once(out, "close");
    progress.end();
  }
  if (length !== undefined && got < length) throw new Dropped(`connection closed after ${got} of ${length} bytes`);
  return got;
}

/** Download `f` into `<folder>/<f.file>.part`, resuming where it can; the bytes transferred. */
async function download(f: RemoteFile, part: string, progress: FetchProgress, opts: FetchOptions): Promise<number> {
  const failures: string[] = [];
  let bytes = 0;
  for (const url of f.urls) {
    for (let attempt = 0; ; attempt++) {
      try {
        bytes += await transfer(f, url, part, progress, opts.idleTimeoutMs ?? 60_000);
        return bytes;
      } catch (err) {
        if (err instanceof Dropped && attempt < (opts.resumes ?? 3)) {
          const have = existsSync(part) ? statSync(part).size : 0;
          progress.note(`${f.file}: ${err.message}; resuming from byte ${have}`);
          continue;
        }
        failures.push(`${url}: ${(err as Error).message}`);
        break;
      }
    }
  }
  throw new SculptError(
    `could not download ${f.file} (${failures.join("; ")})`,
    `check the network connection and run the fetch again (it resumes); or download ${f.urls[0]} by hand and put it at ${part.slice(0, -5)}, then run the fetch again to verify${f.extract ? " and unpack" : ""} it`,
  );
}

/** Unpack a verified archive into `folder` through a temporary folder, then delete the archive. */
async function unpack(f: RemoteFile, archive: string, folder: string, progress: FetchProgress): Promise<void> {
  progress.note(`${f.file}: unpacking`);
  const tmp = join(folder, `.unpack-${basename(archive)}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    await extractArchive(f.extract!, archive, tmp);
    for (const entry of readdirSync(tmp)) {
      rmSync(join(folder, entry), { recursive: true, force: true });
      renameSync(join(tmp, entry), join(folder, entry));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(archive);
}

/** Fetch set `name` into its folder; see the file comment for what is guaranteed. */
export async function fetchDataset(name: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const spec = opts.download ?? sourcesFromEnv(name) ?? downloadOf(name);
  downloadOf(name); // an unknown or non-downloadable name fails here even with an override
  const progress = opts.progress ?? SILENT;
  const before = dataStatus(name, opts.root, spec.present);
  if (before.present) return { name, folder: before.folder, downloaded: [], bytes: 0, alreadyPresent: true };
  const folder = dataFolder(name, opts.root);
  mkdirSync(folder, { recursive: true });
  const downloaded: string[] = [];
  let bytes = 0;
  for (const f of spec.files) {
    const target = join(folder, f.file);
    const part = `${target}.part`;
    if (existsSync(target)) {
      // Placed by hand, or downloaded by a run killed before unpacking: verify, never re-fetch.
      const bad = await mismatch(f, target);
      if (bad)
        throw new SculptError(
          `${target}: checksum mismatch: ${bad}`,
          `delete it and run the fetch again, or replace it with the file from ${f.urls[0]}`,
        );
    } else {
      if (existsSync(part)) progress.note(`${f.file}: resuming the partial download (${statSync(part).size} bytes)`);
      bytes += await download(f, part, progress, opts);
      downloaded.push(f.file);
      progress.note(`${f.file}: verifying`);
      const bad = await mismatch(f, part);
      if (bad) {
        rmSync(part, { force: true });
        throw new SculptError(
          `${f.file}: checksum mismatch: ${bad}; the download was deleted`,
          `run the fetch again; if it happens again the server sends a different file than the one published (${f.urls.join(", ")})`,
        );
      }
      renameSync(part, target);
    }
    if (f.extract) await unpack(f, target, folder, progress);
  }
  const after = dataStatus(name, opts.root, spec.present);
  if (!after.present) {
    throw new SculptError(
      `${name}: fetched, but ${after.missing.join(", ")} still missing in ${folder}`,
      "the files downloaded do not hold what the loader reads; check the download list (SCULPT_DATA_SOURCES)",
    );
  }
  return { name, folder, downloaded, bytes, alreadyPresent: false };
}
