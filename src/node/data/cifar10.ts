/**
 * CIFAR-10, binary version (REFERENCE §5.2): data_batch_1..5.bin and test_batch.bin (raw or
 * gzipped), each a run of 3,073-byte records: a label byte (0..9), then 1,024 R, 1,024 G and
 * 1,024 B bytes (32×32 planes, row-major). Train uses whichever data batches exist and says which;
 * test is test_batch. Records are turned from planes into H×W×C bytes once, at load.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { applyLimit, checkSplit } from "../../core/data/split.js";
import type { DataDownload, Dataset, DatasetEntry, DatasetOptions } from "../../core/data/types.js";
import { uint8Dataset } from "../../core/data/uint8-dataset.js";
import { SculptError } from "../../core/registry.js";
import { candidateRoots, fetchHint, findFile, readMaybeGz, type DataHome } from "./files.js";

const RECORD = 3073;
const PLANE = 1024;
const CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
const TRAIN_BATCHES = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);

const HOME: DataHome = {
  name: "cifar10",
  source: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, unpacked: its folder cifar-10-batches-bin",
};

// The binary version's archive; MD5 as published on the CIFAR page, SHA-256 as recorded by
// tensorflow-datasets (url_checksums/cifar10.txt, 170,052,171 bytes). Unpacks to cifar-10-batches-bin/.
const DOWNLOAD: DataDownload = {
  files: [
    {
      file: "cifar-10-binary.tar.gz",
      urls: ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"],
      md5: "c32a1d4ab5d03f1284b67883e8d87530",
      sha256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
      extract: "tar.gz",
    },
  ],
  present: [...TRAIN_BATCHES, "test_batch.bin"].map((f) => `cifar-10-batches-bin/${f}`),
};

/** Accept either the batches folder or a folder holding `cifar-10-batches-bin/`. */
function batchesFolder(root: string): string {
  const nested = join(root, "cifar-10-batches-bin");
  return existsSync(nested) ? nested : root;
}

/** Decode records into H×W×C pixels and labels, checking the record length and labels. */
export function parseCifarRecords(bytes: Uint8Array, file: string): { pixels: Uint8Array; labels: Uint8Array } {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new SculptError(
      `${file}: ${bytes.length} bytes is not a whole number of 3,073-byte CIFAR-10 records (remainder ${bytes.length % RECORD})`,
      "use the CIFAR-10 *binary* version (not the Python or CIFAR-100 one); the file may be truncated",
    );
  }
  const n = bytes.length / RECORD;
  const pixels = new Uint8Array(n * 3 * PLANE);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const rec = r * RECORD;
    labels[r] = bytes[rec];
    if (labels[r] > 9)
      throw new SculptError(`${file}: record ${r} has label ${labels[r]}, expected 0..9`, "this is not a CIFAR-10 batch file");
    const out = r * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      pixels[out + 3 * p] = bytes[rec + 1 + p];
      pixels[out + 3 * p + 1] = bytes[rec + 1 + PLANE + p];
      pixels[out + 3 * p + 2] = bytes[rec + 1 + 2 * PLANE + p];
    }
  }
  return { pixels, labels };
}

async function loadCifar(options: DatasetOptions): Promise<Dataset> {
  checkSplit(options.split);
  const roots = candidateRoots(HOME, options.root).map(batchesFolder);
  const wanted = options.split === "train" ? TRAIN_BATCHES : ["test_batch.bin"];
  const folder = roots.find((r) => wanted.some((b) => findFile(r, b)));
  if (!folder) {
    throw new SculptError(
      `cifar10: missing ${roots[0]}/${options.split === "train" ? "data_batch_1..5.bin" : "test_batch.bin"}[.gz]` +
        (roots.length > 1 ? ` (also looked in ${roots.slice(1).join(", ")})` : ""),
      fetchHint(HOME, options.root),
    );
  }
  const files = wanted.map((b) => findFile(folder, b)).filter((f): f is string => f !== null);
  const parts = files.map((f) => parseCifarRecords(readMaybeGz(f), f));
  const n = parts.reduce((s, p) => s + p.labels.length, 0);
  const pixels = new Uint8Array(n * 3 * PLANE);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    pixels.set(p.pixels, at * 3 * PLANE);
    labels.set(p.labels, at);
    at += p.labels.length;
  }
  const names = files.map((f) => f.slice(folder.length + 1).replace(/\.bin(\.gz)?$/, ""));
  const missing = options.split === "train" ? TRAIN_BATCHES.filter((b) => !findFile(folder, b)).map((b) => b.replace(".bin", "")) : [];
  const splitRule =
    `official split: ${options.split} = ${names.join(", ")} (${n.toLocaleString("en")} images)` +
    (missing.length ? `; ${missing.join(", ")} not found, so not used` : "");
  return applyLimit(
    uint8Dataset({
      name: "cifar10",
      shape: [32, 32, 3],
      pixels,
      splitRule,
      classes: { names: ["label"], sizes: [10], data: labels, classNames: { label: classNames(folder) } },
    }),
    options,
  );
}

/** Class names from batches.meta.txt when present (one a line), else the standard ten. */
function classNames(folder: string): string[] {
  const meta = join(folder, "batches.meta.txt");
  if (!existsSync(meta)) return CLASS_NAMES;
  const lines = readFileSync(meta, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines.length === 10 ? lines : CLASS_NAMES;
}

export const cifar10: DatasetEntry = {
  description: "CIFAR-10 binary version, 32×32 RGB, 10 classes (train: whichever data_batch_1..5 exist; test: test_batch)",
  shape: [32, 32, 3],
  source: `CIFAR-10 binary version: ${HOME.source}`,
  download: DOWNLOAD,
  create: loadCifar,
};
