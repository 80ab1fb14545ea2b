/**
 * Unpacking downloaded archives into a folder: .tar.gz through npm's `tar` (node-tar, the tar npm
 * itself uses: streaming, refuses absolute paths and `..` entries) and .zip through fflate's
 * streaming Unzip (already a dependency for .npz), one file in memory at a time.
 */
import { createReadStream, mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { Unzip, UnzipInflate } from "fflate";
import { extract as untar } from "tar";
import { SculptError } from "../../core/registry.js";

/** `name` as a path inside `dir`, refusing absolute paths and ones that climb out. */
function inside(dir: string, name: string, archive: string): string {
  const rel = normalize(name);
  if (isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`)) {
    throw new SculptError(`${archive}: entry '${name}' would land outside the data folder`, "this is not the published archive; delete it");
  }
  return join(dir, rel);
}

async function unzip(archive: string, dir: string): Promise<void> {
  const errors: Error[] = [];
  const uz = new Unzip();
  uz.register(UnzipInflate);
  uz.onfile = (file) => {
    const path = inside(dir, file.name, archive);
    if (file.name.endsWith("/")) {
      mkdirSync(path, { recursive: true });
      return;
    }
    const chunks: Uint8Array[] = [];
    file.ondata = (err, data, final) => {
      if (err) return void errors.push(err);
      chunks.push(data);
      if (final) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, Buffer.concat(chunks));
      }
    };
    file.start();
  };
  for await (const chunk of createReadStream(archive)) {
    uz.push(chunk as Uint8Array);
    if (errors.length) break;
  }
  if (!errors.length) uz.push(new Uint8Array(0), true);
  if (errors.length) throw new SculptError(`${archive}: corrupt zip data (${errors[0].message})`, "delete it and fetch again");
}

export async function extractArchive(kind: "tar.gz" | "zip", archive: string, dir: string): Promise<void> {
  if (kind === "zip") return unzip(archive, dir);
  try {
    await untar({ file: archive, cwd: dir, strict: true });
  } catch (err) {
    throw new SculptError(`${archive}: cannot unpack (${(err as Error).message})`, "delete it and fetch again");
  }
}
