/**
 * The official dSprites file, dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz (REFERENCE §1.3):
 * streams `imgs.npy` (N×64×64 uint8, values 0/1) and `latents_classes.npy` (N×6 int64) out of the
 * zip and keeps the images bit-packed (N·512 bytes: 377 MB for all 737,280, against 3 GB as bytes
 * and 12 GB as float32), unpacking only the rows a batch asks for. Any non-zero byte counts as 1.
 * Without latents_classes the file must hold the full grid in the official order. The pickled
 * `metadata` member is skipped; factor names and values come from the generator's constants.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  DSPRITES_FACTOR_NAMES,
  DSPRITES_FACTOR_SIZES,
  DSPRITES_FACTOR_VALUES,
  DSPRITES_GRID,
  DSPRITES_SHAPES,
} from "../../core/data/dsprites.js";
import { checkIndices, outputBuffer, synthesisedSplit } from "../../core/data/split.js";
import type { DataDownload, Dataset, DatasetEntry, DatasetOptions, FactorInfo } from "../../core/data/types.js";
import { SculptError } from "../../core/registry.js";
import { candidateRoots, fetchHint, type DataHome } from "./files.js";
import { readNpzMembers, type NpyHeader } from "./npz.js";

export const DSPRITES_FILE = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz";
const PIXELS = 64 * 64;
const PACKED = PIXELS / 8;
const K = DSPRITES_FACTOR_NAMES.length; // 5 factors; the file's column 0 (colour, always 0) is dropped

const HOME: DataHome = {
  name: "dsprites-npz",
  source: `https://github.com/deepmind/dsprites-dataset/raw/master/${DSPRITES_FILE}`,
};

// MD5 of the file in DeepMind's repository, as public loaders check it (e.g. latte's dsprites.py).
const DOWNLOAD: DataDownload = {
  files: [
    {
      file: DSPRITES_FILE,
      urls: [HOME.source, `https://raw.githubusercontent.com/deepmind/dsprites-dataset/master/${DSPRITES_FILE}`],
      md5: "7da33b31b13a06f4b04a70402ce90c2e",
    },
  ],
  present: [DSPRITES_FILE],
};

function locateNpz(root?: string): string {
  const roots = candidateRoots(HOME, root);
  for (const r of roots) {
    if (existsSync(r) && statSync(r).isFile()) return r; // --root may name the file itself
    if (existsSync(join(r, DSPRITES_FILE))) return join(r, DSPRITES_FILE);
  }
  throw new SculptError(
    `dsprites-npz: missing ${join(roots[0], DSPRITES_FILE)}` + (roots.length > 1 ? ` (also looked in ${roots.slice(1).join(", ")})` : ""),
    `${fetchHint(HOME, root)}; or use the generated 'dsprites'`,
  );
}

/** Load the npz into bit-packed images and per-row factor classes. */
export async function readDspritesNpz(path: string): Promise<{ size: number; packed: Uint8Array; classes: Uint8Array | null }> {
  let packed = new Uint8Array(0);
  let classes: Uint8Array | null = null;
  let size = -1;
  const found = await readNpzMembers(path, {
    imgs: {
      header(h: NpyHeader) {
        if (h.itemsize !== 1 || h.shape.length !== 3 || h.shape[1] !== 64 || h.shape[2] !== 64) {
          throw new SculptError(
            `${path}:imgs.npy has dtype ${h.descr} shape [${h.shape}], expected uint8 [N, 64, 64]`,
            "use the official dSprites npz",
          );
        }
        size = h.shape[0];
        if (size * PIXELS >= 2 ** 32)
          throw new SculptError(`${path}: ${size} images is more than dSprites' 737,280`, "use the official dSprites npz");
        packed = new Uint8Array(size * PACKED);
      },
      data(chunk, offset) {
        // Pixel p → bit 7 − (p mod 8) of byte p/8; images are 4,096 bits, so rows stay byte-aligned.
        // p passes 2³¹ (the full file is 3.0e9 bytes): `>>>` keeps it unsigned, `& 7` keeps its low bits.
        for (let k = 0; k < chunk.length; k++) if (chunk[k]) packed[(offset + k) >>> 3] |= 0x80 >> ((offset + k) & 7);
      },
    },
    latents_classes: {
      header(h: NpyHeader) {
        if (h.descr !== "<i8" || h.shape.length !== 2 || h.shape[1] !== 6) {
          throw new SculptError(
            `${path}:latents_classes.npy has dtype ${h.descr} shape [${h.shape}], expected int64 [N, 6]`,
            "use the official dSprites npz",
          );
        }
        classes = new Uint8Array(h.shape[0] * K);
      },
      data(chunk, offset) {
        // Low byte of each little-endian int64 (classes are < 40); column c ≥ 1 is factor c − 1.
        for (let k = 0; k < chunk.length; k++) {
          const byte = offset + k;
          if (byte & 7) continue;
          const e = byte >> 3;
          const col = e % 6;
          if (col > 0) classes![Math.floor(e / 6) * K + col - 1] = chunk[k];
        }
      },
    },
  });
  if (!found.has("imgs"))
    throw new SculptError(
      `${path} has no imgs.npy member`,
      "use the official dSprites npz (keys imgs, latents_classes, latents_values, metadata)",
    );
  const cls = classes as Uint8Array | null;
  if (cls) {
    if (cls.length !== size * K)
      throw new SculptError(`${path}: latents_classes has ${cls.length / K} rows but imgs has ${size}`, "use the official dSprites npz");
    for (let i = 0; i < cls.length; i++) {
      if (cls[i] >= DSPRITES_FACTOR_SIZES[i % K]) {
        throw new SculptError(
          `${path}: latents_classes row ${Math.floor(i / K)} has ${DSPRITES_FACTOR_NAMES[i % K]} class ${cls[i]}`,
          "use the official dSprites npz",
        );
      }
    }
  } else if (size !== DSPRITES_GRID.size) {
    throw new SculptError(
      `${path}: ${size} images without latents_classes`,
      `a file without latents_classes must hold all ${DSPRITES_GRID.size} images in the official order`,
    );
  }
  return { size, packed, classes: cls };
}

async function loadDspritesNpz(options: DatasetOptions): Promise<Dataset> {
  const path = locateNpz(options.root);
  const { size, packed, classes } = await readDspritesNpz(path);
  const classOf = (i: number, f: number) => (classes ? classes[i * K + f] : DSPRITES_GRID.classOf(i, f));
  const factors: FactorInfo = {
    names: DSPRITES_FACTOR_NAMES,
    sizes: DSPRITES_FACTOR_SIZES,
    classNames: { shape: DSPRITES_SHAPES },
    classes(indices) {
      checkIndices("dsprites-npz", indices, size);
      const out = new Int32Array(indices.length * K);
      for (let r = 0; r < indices.length; r++) for (let f = 0; f < K; f++) out[r * K + f] = classOf(indices[r], f);
      return out;
    },
    values(indices) {
      checkIndices("dsprites-npz", indices, size);
      const out = new Float32Array(indices.length * K);
      for (let r = 0; r < indices.length; r++)
        for (let f = 0; f < K; f++) out[r * K + f] = DSPRITES_FACTOR_VALUES[f][classOf(indices[r], f)];
      return out;
    },
  };
  const full: Dataset = {
    name: "dsprites-npz",
    shape: [64, 64, 1],
    size,
    splitRule: "",
    factors,
    images(indices, out) {
      checkIndices("dsprites-npz", indices, size);
      const buf = outputBuffer("dsprites-npz", indices.length, PIXELS, out);
      for (let n = 0; n < indices.length; n++) {
        const from = indices[n] * PACKED;
        const to = n * PIXELS;
        for (let b = 0; b < PACKED; b++) {
          const byte = packed[from + b];
          for (let bit = 0; bit < 8; bit++) buf[to + 8 * b + bit] = (byte >> (7 - bit)) & 1;
        }
      }
      return buf;
    },
  };
  return synthesisedSplit(full, options);
}

export const dspritesNpz: DatasetEntry = {
  description: "the official dSprites npz (737,280 binary 64×64 images, factor classes from latents_classes), bit-packed in memory",
  shape: [64, 64, 1],
  source: `dSprites: ${HOME.source}`,
  download: DOWNLOAD,
  create: loadDspritesNpz,
};
