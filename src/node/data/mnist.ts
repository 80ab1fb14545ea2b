/**
 * MNIST and Fashion-MNIST from their four IDX files (raw or gzipped; REFERENCE §5.1): big-endian
 * header, magic 2051 for images (N×28×28 uint8) and 2049 for labels (N uint8, 0..9). Official
 * split: train-* (60,000) and t10k-* (10,000). Pixels stay uint8 (47 MB for train).
 */
import { applyLimit, checkSplit } from "../../core/data/split.js";
import type { Dataset, DatasetEntry, DatasetOptions } from "../../core/data/types.js";
import { uint8Dataset } from "../../core/data/uint8-dataset.js";
import { SculptError } from "../../core/registry.js";
import { locate, readMaybeGz, sharedData, type DataHome } from "./files.js";

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

interface IdxSet {
  name: string;
  home: DataHome;
  classNames: string[];
}

async function loadIdxSet(set: IdxSet, options: DatasetOptions): Promise<Dataset> {
  checkSplit(options.split);
  const prefix = options.split === "train" ? "train" : "t10k";
  const { files } = locate(set.home, [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`], options.root);
  const images = parseIdx(readMaybeGz(files[0]), files[0], 3);
  const labels = parseIdx(readMaybeGz(files[1]), files[1], 1);
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

const MNIST: IdxSet = {
  name: "mnist",
  home: {
    name: "mnist",
    dir: "mnist",
    defaults: [sharedData("mnist")],
    source: "MNIST: the four IDX files from http://yann.lecun.com/exdb/mnist/ (or any mirror; md5s in shared/data/mnist/README.md)",
  },
  classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
};

const FASHION: IdxSet = {
  name: "fashion-mnist",
  home: {
    name: "fashion-mnist",
    dir: "fashion-mnist",
    defaults: [sharedData("fashion-mnist"), "/usr/share/datasets/fashion-mnist"],
    source: "Fashion-MNIST: `apt install dataset-fashion-mnist` (Debian) or github.com/zalandoresearch/fashion-mnist data/fashion/",
  },
  classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
};

export const mnist: DatasetEntry = {
  description: "MNIST handwritten digits, 28×28 grey, 10 classes (60,000 train / 10,000 test)",
  shape: [28, 28, 1],
  source: MNIST.home.source,
  create: (options) => loadIdxSet(MNIST, options),
};

export const fashionMnist: DatasetEntry = {
  description: "Fashion-MNIST clothing images, 28×28 grey, 10 classes (60,000 train / 10,000 test)",
  shape: [28, 28, 1],
  source: FASHION.home.source,
  create: (options) => loadIdxSet(FASHION, options),
};
