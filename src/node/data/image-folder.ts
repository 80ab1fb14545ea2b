/**
 * Folders of image files: a generic `<root>/<class>/*.png|jpg` set and Tiny ImageNet
 * (`train/<wnid>/images/*.JPEG`, `val/val_annotations.txt`; REFERENCE §5.3). Files are listed at
 * load and decoded lazily on first use into one uint8 buffer, so opening the 100,000-image Tiny
 * ImageNet train split is instant and memory grows only with the images actually read.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { applyLimit, checkSplit, synthesisedSplit } from "../../core/data/split.js";
import type { DataDownload, Dataset, DatasetEntry, DatasetOptions } from "../../core/data/types.js";
import { uint8Dataset } from "../../core/data/uint8-dataset.js";
import { SculptError } from "../../core/registry.js";
import { candidateRoots, fetchHint, type DataHome } from "./files.js";
import { decodeImageFile, IMAGE_EXTENSIONS } from "./images.js";

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const sortedNames = (dir: string) => readdirSync(dir).sort();
const isImage = (name: string) => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());

interface ImageList {
  name: string;
  files: string[];
  labels: Int32Array;
  classNames: string[];
  splitRule: string;
}

/** A data set over image files, decoded on first use; every image must have the first one's size. */
export function lazyImageDataset(list: ImageList): Dataset {
  const { files, name } = list;
  if (files.length === 0) throw new SculptError(`${name}: no images found`, "check the folder layout (see `sculpt data info`)");
  const first = decodeImageFile(files[0]);
  const { width, height } = first;
  const stride = width * height * 3;
  if (files.length * stride > 2 ** 32 - 1) {
    throw new SculptError(`${name}: ${files.length} images of ${width}×${height} exceed 4 GiB as bytes`, "pass --limit N");
  }
  const pixels = new Uint8Array(files.length * stride); // pages are only touched as images are decoded
  const loaded = new Uint8Array(files.length);
  pixels.set(first.rgb, 0);
  loaded[0] = 1;
  return uint8Dataset({
    name,
    shape: [height, width, 3],
    pixels,
    splitRule: list.splitRule,
    classes: { names: ["label"], sizes: [list.classNames.length], data: list.labels, classNames: { label: list.classNames } },
    ensure(indices) {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        if (loaded[i]) continue;
        const img = decodeImageFile(files[i]);
        if (img.width !== width || img.height !== height) {
          throw new SculptError(
            `${files[i]}: image is ${img.width}×${img.height}, expected ${width}×${height} like ${files[0]}`,
            "resize every image of the set to one size",
          );
        }
        pixels.set(img.rgb, i * stride);
        loaded[i] = 1;
      }
    },
  });
}

/** `<dir>/<class>/*.png|jpg`: classes are the sorted sub-folders, files sorted within each. */
function listClassFolders(name: string, dir: string, splitRule: string): ImageList {
  if (!isDir(dir)) throw new SculptError(`${name}: ${dir} is not a folder`, "pass --root DIR with one sub-folder of images per class");
  const classNames = sortedNames(dir).filter((c) => isDir(join(dir, c)));
  const files: string[] = [];
  const labels: number[] = [];
  classNames.forEach((c, k) => {
    for (const f of sortedNames(join(dir, c)).filter(isImage)) {
      files.push(join(dir, c, f));
      labels.push(k);
    }
  });
  if (files.length === 0) {
    throw new SculptError(
      `${name}: no .png/.jpg/.jpeg images in class sub-folders of ${dir}`,
      "lay the folder out as DIR/<class>/<image>.png",
    );
  }
  return { name, files, labels: Int32Array.from(labels), classNames, splitRule };
}

async function loadImageFolder(options: DatasetOptions): Promise<Dataset> {
  checkSplit(options.split);
  if (options.root === undefined) throw new SculptError("image-folder needs a folder", "pass --root DIR (DIR/<class>/<image>.png)");
  const root = options.root;
  const train = join(root, "train");
  if (isDir(train)) {
    const test = ["test", "val"].map((s) => join(root, s)).find(isDir);
    if (options.split === "test" && !test)
      throw new SculptError(`image-folder: ${root} has train/ but no test/ or val/`, "add a test/ folder or use --split train");
    const dir = options.split === "train" ? train : test!;
    const rule = `folder split: train = ${train}, test = ${test ?? "(none)"}`;
    return applyLimit(lazyImageDataset(listClassFolders("image-folder", dir, rule)), options);
  }
  return synthesisedSplit(lazyImageDataset(listClassFolders("image-folder", root, "")), options);
}

export const imageFolder: DatasetEntry = {
  description: "a folder of PNG/JPEG images, one sub-folder per class (train/ and test/ sub-folders give the split)",
  shape: null,
  source: "your files: --root DIR laid out as DIR/<class>/*.png or DIR/{train,test}/<class>/*.png",
  create: loadImageFolder,
};

const TINY: DataHome = {
  name: "tiny-imagenet",
  source: "http://cs231n.stanford.edu/tiny-imagenet-200.zip, unpacked: its folder tiny-imagenet-200",
};

// MD5 of the zip as torchvision-style loaders check it (248,100,043 bytes); unpacks to tiny-imagenet-200/.
const TINY_DOWNLOAD: DataDownload = {
  files: [
    {
      file: "tiny-imagenet-200.zip",
      urls: ["http://cs231n.stanford.edu/tiny-imagenet-200.zip"],
      md5: "90528d7ca1a48142e341f4ef8d21d0de",
      extract: "zip",
    },
  ],
  present: ["tiny-imagenet-200/wnids.txt", "tiny-imagenet-200/val/val_annotations.txt"],
};

async function loadTinyImageNet(options: DatasetOptions): Promise<Dataset> {
  checkSplit(options.split);
  const roots = candidateRoots(TINY, options.root).map((r) => (isDir(join(r, "tiny-imagenet-200")) ? join(r, "tiny-imagenet-200") : r));
  const root = roots.find((r) => isDir(join(r, "train")));
  if (!root) {
    throw new SculptError(
      `tiny-imagenet: missing ${join(roots[0], "train")}/` + (roots.length > 1 ? ` (also looked in ${roots.slice(1).join(", ")})` : ""),
      fetchHint(TINY, options.root),
    );
  }
  const wnidsFile = join(root, "wnids.txt");
  const wnids = existsSync(wnidsFile)
    ? readFileSync(wnidsFile, "utf8")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
    : sortedNames(join(root, "train")).filter((d) => isDir(join(root, "train", d)));
  const classOf = new Map(wnids.map((w, k) => [w, k]));
  const files: string[] = [];
  const labels: number[] = [];
  const rule =
    "official split: train = train/<wnid>/images (500 per class), test = val/ with val_annotations.txt (50 per class; test/ has no labels)";
  if (options.split === "train") {
    wnids.forEach((w, k) => {
      const dir = join(root, "train", w, "images");
      if (!isDir(dir)) throw new SculptError(`tiny-imagenet: missing ${dir}`, `every wnid in ${wnidsFile} needs train/<wnid>/images/`);
      for (const f of sortedNames(dir).filter(isImage)) {
        files.push(join(dir, f));
        labels.push(k);
      }
    });
  } else {
    const annotations = join(root, "val", "val_annotations.txt");
    if (!existsSync(annotations)) throw new SculptError(`tiny-imagenet: missing ${annotations}`, fetchHint(TINY, options.root));
    readFileSync(annotations, "utf8")
      .split(/\r?\n/)
      .forEach((line, n) => {
        if (!line.trim()) return;
        const [file, wnid] = line.split("\t");
        const k = classOf.get(wnid);
        if (k === undefined || !file) {
          throw new SculptError(
            `${annotations}:${n + 1}: unknown class '${wnid}' in '${line}'`,
            "expected 'val_K.JPEG<TAB>wnid<TAB>…' with a wnid from wnids.txt",
          );
        }
        files.push(join(root, "val", "images", file));
        labels.push(k);
      });
  }
  const words = join(root, "words.txt");
  const names = new Map<string, string>();
  if (existsSync(words)) {
    for (const line of readFileSync(words, "utf8").split(/\r?\n/)) {
      const [w, text] = line.split("\t");
      if (w && text) names.set(w, text.split(",")[0].trim());
    }
  }
  const dataset = lazyImageDataset({
    name: "tiny-imagenet",
    files,
    labels: Int32Array.from(labels),
    classNames: wnids.map((w) => names.get(w) ?? w),
    splitRule: rule,
  });
  return applyLimit(dataset, options);
}

export const tinyImageNet: DatasetEntry = {
  description: "Tiny ImageNet (tiny-imagenet-200), 64×64 RGB, 200 classes (100,000 train / 10,000 val as test)",
  shape: [64, 64, 3],
  source: `Tiny ImageNet: ${TINY.source}`,
  download: TINY_DOWNLOAD,
  create: loadTinyImageNet,
};
