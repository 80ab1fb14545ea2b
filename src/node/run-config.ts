/**
 * A run folder's config.json: written once, after every part of it was built and checked, with its
 * SHA-256 beside it (config.json.sha256); read back verified, with a clear error naming the file
 * when it is damaged. Folders written before the checksum existed load without one, and those
 * whose config.json held the prior's text get it parsed once here (the reader of that format).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SculptError } from "../core/registry.js";
import { readStoredTrainConfig, storedTrainConfig, type TrainConfig } from "../core/train/config.js";
import { writeFileAtomic } from "./atomic.js";
import { RUN_FILES } from "./run-format.js";

export const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex");

const checksumPath = (dir: string) => join(dir, RUN_FILES.config + ".sha256");

/** Write config.json (stored form) and then its checksum; both atomically. */
export function writeRunConfig(dir: string, config: TrainConfig): void {
  const text = JSON.stringify(storedTrainConfig(config), null, 2) + "\n";
  writeFileAtomic(join(dir, RUN_FILES.config), text);
  writeFileAtomic(checksumPath(dir), `${sha256(text)}  ${RUN_FILES.config}\n`);
}

/** The run's config, verified against its checksum, in stored form; refuses a damaged file. */
export function readRunConfig(dir: string): TrainConfig {
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path))
    throw new SculptError(`${dir} is not a run folder (no ${RUN_FILES.config})`, "pass the --out folder of `sculpt train`");
  const bytes = readFileSync(path);
  if (existsSync(checksumPath(dir))) {
    const want = readFileSync(checksumPath(dir), "utf8").trim().split(/\s+/)[0];
    if (sha256(bytes) !== want)
      throw new SculptError(
        `${path} does not match its checksum (${RUN_FILES.config}.sha256): the file was changed or damaged`,
        "restore it, or start a new run folder",
      );
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw new SculptError(
      `${path} is not valid JSON (${(err as Error).message})`,
      "the file is truncated or damaged; start a new run folder",
    );
  }
  try {
    return storedTrainConfig(readStoredTrainConfig(data));
  } catch (err) {
    if (!(err instanceof SculptError)) throw err;
    throw new SculptError(`${path}: ${err.problem}`, err.fix ?? "restore it, or start a new run folder");
  }
}
