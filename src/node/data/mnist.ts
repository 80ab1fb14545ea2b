/**
 * MNIST and Fashion-MNIST from their four IDX files (raw or gzipped; REFERENCE §5.1): big-endian
 * header, magic 2051 for images (N×28×28 uint8) and 2049 for labels (N uint8, 0..9). Official
 * split: train-* (60,000) and t10k-* (10,000). Pixels stay uint8 (47 MB for train).
 */
import { applyLimit, checkSplit } from "../../core/data/split.js";
import type { DataDownload, Dataset, DatasetEntry, DatasetOptions } from "../../core/data/types.js";
import { uint8Dataset } from "../../core/data/uint8-dataset.js";
import { SculptError } from "../../core/registry.js";
import { locate, readMaybeGz, type DataHome } from "./files.js";

const TYPE_NAMES: Record<number, string> = { 0x08: "ubyte", 0x09: "sbyte", 0x0b: "short", 0x0c: "int", 0x0d: "float", 0x0e: "double" };

/** Parse an IDX file of unsigned bytes with `ndims` dimensions, checking the magic and the size. */
export function parseIdx(bytes: Uint8Array, file: string, ndims: number): { dims: number[]; data: Uint8Array } {
  const expected = 0x0800 + ndims;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length >= 4 ? view.getUint32(0, false) : -1;
  if (magic !== expected) {
    const kind =
      magic >= 0 && magic >>> 16 === 0 ? ` (type ${TYPE_NAMES[(magic >> 8) & 0xff] ?? "unknown"}, ${magic & 0xff} dimensions)` : "";
    throw new SculptError(
      `${file}: wrong magic number ${magic < 0 ? "(file shorter than 4 bytes)" : magic}${kind}, expected ${expected} (IDX ubyte, ${ndims} dimensions)`,
      "check that this is the right MNIST-format file (images: 2051, labels: 2049)",
    );
  }
  const start = 4 + 4 * ndims;
  if (bytes.length < start) throw new SculptError(`${file}: IDX header cut short (${bytes.length} bytes)`, "download the file again");
  const dims = Array.from({ length: ndims }, (_, k) => view.getUint32(4 + 4 * k, false));
  const need = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== need) {
    throw new SculptError(
      `${file}: size mismatch: header says ${dims.join("×")} = ${need} bytes of data, file has ${bytes.length - start}`,
      "the file is truncated or corrupt; download it again",
    );
  }
  return { dims, data: bytes.subarray(start) };
}

/** Bytes an IDX file with `ndims` dimensions holds, from its header (at least the header when cut short). */
export function idxByteLength(head: Uint8Array, ndims: number): number {
  const start = 4 + 4 * ndims;
  if (head.length < start) return start;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let n = 1;
  for (let k = 0; k < ndims; k++) n *= view.getUint32(4 + 4 * k, false);
  return start + n;
}

/** An IDX file (raw or gzipped), inflated no further than its header's declared size. */
export function readIdx(path: string, ndims: number): { dims: number[]; data: Uint8Array } {
  return parseIdx(readMaybeGz(path, { limit: (head) => idxByteLength(head, ndims) }), path, ndims);
}

interface IdxSet {
  name: string;
  home: DataHome;
  classNames: string[];
}

async function loadIdxSet(set: IdxSet, options: DatasetOptions): Promise<Dataset> {
  checkSplit(options.split);
  const prefix = options.split === "train" ? "train" : "t10k";
  const { files } = locate(set.home, [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`], options.root);
  const images = readIdx(files[0], 3);
  const labels = readIdx(files[1], 1);
  const [n, h, w] = images.dims;
  if (labels.dims[0] !== n) {
    throw new SculptError(`${files[1]} has ${labels.dims[0]} labels but ${files[0]} has ${n} images`, "use the matching pair of files");
  }
  const bad = labels.data.findIndex((v) => v >= set.classNames.length);
  if (bad >= 0) throw new SculptError(`${files[1]}: label ${labels.data[bad]} at row ${bad} is not in 0..${set.classNames.length - 1}`);
  const dataset = uint8Dataset({
    name: set.name,
    shape: [h, w, 1],
    pixels: images.data,
    splitRule: `official split: ${prefix}-images/labels (${n.toLocaleString("en")} images)`,
    classes: { names: ["label"], sizes: [set.classNames.length], data: labels.data, classNames: { label: set.classNames } },
  });
  return applyLimit(dataset, options);
}

const IDX_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

/** The four files at each base URL, with their published MD5s in the same order. */
function idxDownload(bases: string[], md5s: string[], fallbacks?: string[]): DataDownload {
  return {
    files: IDX_FILES.map((file, k) => ({ file, urls: bases.map((b) => b + file), md5: md5s[k] })),
    present: IDX_FILES,
    fallbacks,
  };
}

// MD5s as published with the data and checked by torchvision (datasets/mnist.py); the S3 copy is
// torchvision's mirror, used first because yann.lecun.com often refuses downloads.
const MNIST_DOWNLOAD = idxDownload(
  ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
  [
    "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "d53e105ee54ea40749a09fcbcd1e9432",
    "9fb629c4189551a2d022fa330f9573f3",
    "ec29112dd5afa0611ce80d1b7f02629c",
  ],
);

const FASHION_DOWNLOAD = idxDownload(
  [
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
  ],
  [
    "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "25c81989df183df01b3e8a0aad5dffbe",
    "bef4ecab320f06d8554ea6380940ec79",
    "bb300cfdad3c16e7a12a480ee83cd310",
  ],
  // Debian's package dataset-fashion-mnist, read when neither --root nor SCULPT_DATA is given.
  ["/usr/share/datasets/fashion-mnist"],
);

const MNIST: IdxSet = {
  name: "mnist",
  home: {
    name: "mnist",
    source: "the four IDX files from https://ossci-datasets.s3.amazonaws.com/mnist/ or http://yann.lecun.com/exdb/mnist/",
  },
  classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
};

const FASHION: IdxSet = {
  name: "fashion-mnist",
  home: {
    name: "fashion-mnist",
    fallbacks: FASHION_DOWNLOAD.fallbacks,
    source:
      "the four IDX files from github.com/zalandoresearch/fashion-mnist data/fashion/, or Debian's `apt install dataset-fashion-mnist`",
  },
  classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
};

export const mnist: DatasetEntry = {
  description: "MNIST handwritten digits, 28×28 grey, 10 classes (60,000 train / 10,000 test)",
  shape: [28, 28, 1],
  source: `MNIST: ${MNIST.home.source}`,
  download: MNIST_DOWNLOAD,
  create: (options) => loadIdxSet(MNIST, options),
};

export const fashionMnist: DatasetEntry = {
  description: "Fashion-MNIST clothing images, 28×28 grey, 10 classes (60,000 train / 10,000 test)",
  shape: [28, 28, 1],
  source: `Fashion-MNIST: ${FASHION.home.source}`,
  download: FASHION_DOWNLOAD,
  create: (options) => loadIdxSet(FASHION, options),
};
