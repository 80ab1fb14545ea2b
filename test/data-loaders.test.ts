/**
 * File-backed data sets on small files the tests write: IDX (raw and gz), CIFAR-10 records, PNG and
 * JPEG folders, Tiny ImageNet's layout, .npy and dSprites-style npz (stored and deflated); each
 * loader's bad-input paths (missing file, wrong magic, size or record length, corrupt archives).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DSPRITES_GRID } from "../src/core/data/dsprites.js";
import type { Dataset } from "../src/core/data/types.js";
import { serializeNpy } from "../src/core/io/npy.js";
import { SculptError } from "../src/core/registry.js";
import { exportDataset, loadDataset } from "../src/node/data/index.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-data-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dir = (...parts: string[]) => {
  const p = join(tmp, ...parts);
  mkdirSync(p, { recursive: true });
  return p;
};
const all = (d: Dataset) => Int32Array.from({ length: d.size }, (_, i) => i);

/** An IDX ubyte file: big-endian magic 0x08NN, dims, data. */
function idx(dims: number[], data: Uint8Array, magic = 0x0800 + dims.length): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe("mnist-format IDX files", () => {
  const images = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 17) % 256);
  const labels = Uint8Array.from([3, 1, 4, 1, 5]);

  it("reads raw and gzipped files with the same result", async () => {
    const raw = dir("idx-raw");
    writeFileSync(join(raw, "t10k-images-idx3-ubyte"), idx([5, 4, 3], images));
    writeFileSync(join(raw, "t10k-labels-idx1-ubyte"), idx([5], labels));
    const gz = dir("idx-gz");
    writeFileSync(join(gz, "t10k-images-idx3-ubyte.gz"), gzipSync(idx([5, 4, 3], images)));
    writeFileSync(join(gz, "t10k-labels-idx1-ubyte.gz"), gzipSync(idx([5], labels)));
    for (const root of [raw, gz]) {
      const d = await loadDataset("mnist", { split: "test", root });
      expect(d.size).toBe(5);
      expect(d.shape).toEqual([4, 3, 1]);
      expect(Array.from(d.images([2]))).toEqual(Array.from(images.subarray(24, 36), (v) => Math.fround(v / 255)));
      expect(Array.from(d.factors!.classes(all(d)))).toEqual([3, 1, 4, 1, 5]);
      expect(d.splitRule).toMatch(/official split: t10k/);
    }
    const limited = await loadDataset("fashion-mnist", { split: "test", root: gz, limit: 2 });
    expect(limited.size).toBe(2);
    expect(limited.factors!.classNames!.label[3]).toBe("Dress");
  });

  it("names the file and the mismatch for bad magic numbers, sizes, counts and labels", async () => {
    const write = (name: string, imgs: Uint8Array, labs: Uint8Array) => {
      const root = dir(name);
      writeFileSync(join(root, "t10k-images-idx3-ubyte"), imgs);
      writeFileSync(join(root, "t10k-labels-idx1-ubyte"), labs);
      return root;
    };
    const load = (root: string) => loadDataset("mnist", { split: "test", root });
    await expect(load(write("idx-swapped", idx([5], labels), idx([5], labels)))).rejects.toThrow(
      /t10k-images-idx3-ubyte: wrong magic number 2049.*expected 2051/,
    );
    await expect(load(write("idx-int", idx([5, 4, 3], images, 0x0c03), idx([5], labels)))).rejects.toThrow(/type int/);
    await expect(load(write("idx-short", idx([5, 4, 3], images).subarray(0, 50), idx([5], labels)))).rejects.toThrow(
      /size mismatch: header says 5×4×3 = 60 bytes of data, file has 34/,
    );
    await expect(load(write("idx-tiny", Uint8Array.from([0, 0]), idx([5], labels)))).rejects.toThrow(/shorter than 4 bytes/);
    await expect(load(write("idx-count", idx([5, 4, 3], images), idx([4], labels.subarray(0, 4))))).rejects.toThrow(
      /4 labels but .* 5 images/,
    );
    await expect(load(write("idx-label", idx([5, 4, 3], images), idx([5], Uint8Array.from([1, 2, 10, 0, 0]))))).rejects.toThrow(
      /label 10 at row 2 is not in 0..9/,
    );
    const corrupt = dir("idx-corrupt");
    writeFileSync(join(corrupt, "t10k-images-idx3-ubyte.gz"), Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    writeFileSync(join(corrupt, "t10k-labels-idx1-ubyte"), idx([5], labels));
    await expect(load(corrupt)).rejects.toThrow(/corrupt gzip data/);
    const misnamed = dir("idx-misnamed");
    writeFileSync(join(misnamed, "t10k-images-idx3-ubyte.gz"), idx([5, 4, 3], images));
    writeFileSync(join(misnamed, "t10k-labels-idx1-ubyte"), idx([5], labels));
    await expect(load(misnamed)).rejects.toThrow(/named \.gz but is not gzip/);
  });

  it("names the expected path and the source when files are missing", async () => {
    const empty = dir("idx-empty");
    const err = await loadDataset("mnist", { split: "train", root: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SculptError);
    expect((err as SculptError).problem).toContain(join(empty, "train-images-idx3-ubyte") + "[.gz]");
    expect((err as SculptError).fix).toMatch(/yann\.lecun\.com/);
    await expect(loadDataset("fashion-mnist", { split: "train", root: empty })).rejects.toThrow(/dataset-fashion-mnist/);
    await expect(loadDataset("mnist", { split: "valid" as "test", root: empty })).rejects.toThrow(/unknown split/);
  });

  it("Fashion-MNIST falls back to Debian's dataset-fashion-mnist folder only when neither --root nor SCULPT_DATA is given", async () => {
    const debian = "/usr/share/datasets/fashion-mnist";
    vi.stubEnv("SCULPT_DATA", "");
    vi.stubEnv("XDG_CACHE_HOME", dir("empty-cache"));
    try {
      const load = loadDataset("fashion-mnist", { split: "test" });
      // Either the package is installed here and read, or the error says it was looked for.
      if (existsSync(join(debian, "t10k-images-idx3-ubyte.gz"))) expect((await load).size).toBe(10_000);
      else await expect(load).rejects.toThrow(`(also looked in ${debian})`);
      vi.stubEnv("SCULPT_DATA", dir("empty-data"));
      const err = await loadDataset("fashion-mnist", { split: "test" }).catch((e: unknown) => e);
      expect((err as SculptError).problem).not.toContain(debian);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

/** `n` CIFAR records: label, then R, G, B planes, each pixel's planes set from (record, pixel). */
function cifarRecords(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 1024; p++) out[r * 3073 + 1 + ch * 1024 + p] = (r * 50 + ch * 80 + p) % 256;
  });
  return out;
}

describe("cifar10 binary records", () => {
  it("turns planes into H×W×C, uses the batches that exist and says which", async () => {
    const root = dir("cifar", "cifar-10-batches-bin");
    writeFileSync(join(root, "data_batch_1.bin"), cifarRecords([0, 9]));
    writeFileSync(join(root, "data_batch_3.bin.gz"), gzipSync(cifarRecords([4])));
    writeFileSync(join(root, "test_batch.bin"), cifarRecords([7, 7, 2]));
    writeFileSync(join(root, "batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
    const train = await loadDataset("cifar10", { root: join(tmp, "cifar") });
    expect(train.size).toBe(3);
    expect(train.shape).toEqual([32, 32, 3]);
    expect(train.splitRule).toMatch(/data_batch_1, data_batch_3 .*data_batch_2, data_batch_4, data_batch_5 not found/);
    expect(Array.from(train.factors!.classes([0, 1, 2]))).toEqual([0, 9, 4]);
    expect(train.factors!.classNames!.label[9]).toBe("j");
    const img = train.images([1]);
    // Pixel p = 37 (row 1, col 5), record 1: R = (50 + 37), G = (50 + 80 + 37), B = (50 + 160 + 37).
    expect(Array.from(img.subarray(37 * 3, 37 * 3 + 3)).map((v) => Math.round(v * 255))).toEqual([87, 167, 247]);
    const test = await loadDataset("cifar10", { split: "test", root });
    expect(Array.from(test.factors!.classes(all(test)))).toEqual([7, 7, 2]);
    expect(test.splitRule).toMatch(/test = test_batch \(3 images\)/);
  });

  it("refuses bad record lengths and labels, and names missing batches", async () => {
    const bad = dir("cifar-bad");
    writeFileSync(join(bad, "data_batch_1.bin"), cifarRecords([1]).subarray(0, 3000));
    await expect(loadDataset("cifar10", { root: bad })).rejects.toThrow(
      /data_batch_1\.bin: 3000 bytes is not a whole number of 3,073-byte .*remainder 3000/,
    );
    const label = dir("cifar-label");
    writeFileSync(join(label, "test_batch.bin"), cifarRecords([3, 12]));
    await expect(loadDataset("cifar10", { split: "test", root: label })).rejects.toThrow(/record 1 has label 12/);
    await expect(loadDataset("cifar10", { split: "test", root: dir("cifar-none") })).rejects.toThrow(
      /missing .*cifar-none\/test_batch\.bin\[\.gz\]/,
    );
    await expect(loadDataset("cifar10", { root: dir("cifar-none") })).rejects.toThrow(/data_batch_1\.\.5\.bin.*cs\.toronto\.edu/);
  });
});

function png(width: number, height: number, rgb: (x: number, y: number) => [number, number, number], grey = false): Buffer {
  const p = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      p.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  return PNG.sync.write(p, grey ? { colorType: 0 } : {});
}

function jpg(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return jpeg.encode({ width, height, data }, 95).data;
}

describe("image folders", () => {
  it("reads PNG (colour and grey → RGB) and JPEG by class folder, decoding lazily", async () => {
    const root = dir("folder");
    mkdirSync(join(root, "cats"));
    mkdirSync(join(root, "dogs"));
    writeFileSync(
      join(root, "cats", "a.png"),
      png(3, 2, (x, y) => [x * 100, y * 200, 7]),
    );
    writeFileSync(
      join(root, "cats", "b.PNG"),
      png(3, 2, (x) => [x * 50, x * 50, x * 50], true),
    );
    writeFileSync(join(root, "cats", "notes.txt"), "ignored");
    writeFileSync(join(root, "dogs", "c.jpg"), jpg(3, 2, [200, 40, 90]));
    const d = await loadDataset("image-folder", { root });
    expect(d.size).toBe(3);
    expect(d.shape).toEqual([2, 3, 3]);
    expect(Array.from(d.factors!.classes(all(d)))).toEqual([0, 0, 1]);
    expect(d.factors!.classNames!.label).toEqual(["cats", "dogs"]);
    const px = (img: Float32Array, i: number) => Array.from(img.subarray(i * 3, i * 3 + 3)).map((v) => Math.round(v * 255));
    const [a, b, c] = [0, 1, 2].map((i) => d.images([i]));
    expect(px(a, 4)).toEqual([100, 200, 7]); // x = 1, y = 1
    expect(px(b, 2)).toEqual([100, 100, 100]);
    for (const v of px(c, 0).map((v, k) => v - [200, 40, 90][k])) expect(Math.abs(v)).toBeLessThan(6); // JPEG is lossy
    expect(d.splitRule).toMatch(/Rng\(0\)/);
  });

  it("uses train/ and test/ folders as the split when present", async () => {
    const root = dir("folder-split");
    for (const [split, n] of [
      ["train", 2],
      ["test", 1],
    ] as const)
      for (let k = 0; k < n; k++) {
        mkdirSync(join(root, split, "x"), { recursive: true });
        writeFileSync(
          join(root, split, "x", `${k}.png`),
          png(2, 2, () => [k, k, k]),
        );
      }
    expect((await loadDataset("image-folder", { root })).size).toBe(2);
    const test = await loadDataset("image-folder", { root, split: "test" });
    expect(test.size).toBe(1);
    expect(test.splitRule).toMatch(/folder split/);
  });

  it("names the file for a size mismatch or an undecodable image, and asks for a root", async () => {
    const root = dir("folder-bad");
    mkdirSync(join(root, "a"));
    writeFileSync(
      join(root, "a", "1.png"),
      png(3, 2, () => [0, 0, 0]),
    );
    writeFileSync(
      join(root, "a", "2.png"),
      png(4, 2, () => [0, 0, 0]),
    );
    writeFileSync(join(root, "a", "3.jpg"), "not a jpeg at all");
    const d = await loadDataset("image-folder", { root });
    expect(() => d.images([1])).toThrow(/2\.png: image is 4×2, expected 3×2/);
    expect(() => d.images([2])).toThrow(/3\.jpg: not a PNG or JPEG/);
    writeFileSync(join(root, "a", "0.png"), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    await expect(loadDataset("image-folder", { root })).rejects.toThrow(/0\.png: cannot decode image/);
    await expect(loadDataset("image-folder", {})).rejects.toThrow(/--root/);
    await expect(loadDataset("image-folder", { root: dir("folder-empty") })).rejects.toThrow(/no \.png\/\.jpg\/\.jpeg images/);
  });
});

describe("tiny-imagenet layout", () => {
  it("reads train/<wnid>/images and val/val_annotations.txt with class names from words.txt", async () => {
    const root = dir("tiny", "tiny-imagenet-200");
    writeFileSync(join(root, "wnids.txt"), "n02\nn01\n");
    writeFileSync(join(root, "words.txt"), "n01\tgoldfish, Carassius auratus\nn02\ttabby, tabby cat\n");
    for (const [w, k] of [
      ["n01", 0],
      ["n02", 1],
    ] as const) {
      const images = dir("tiny", "tiny-imagenet-200", "train", w, "images");
      writeFileSync(join(images, `${w}_0.JPEG`), jpg(4, 4, [k * 200, 10, 10]));
      writeFileSync(join(root, "train", w, `${w}_boxes.txt`), "");
    }
    writeFileSync(join(dir("tiny", "tiny-imagenet-200", "val", "images"), "val_0.JPEG"), jpg(4, 4, [0, 0, 250]));
    writeFileSync(join(root, "val", "val_annotations.txt"), "val_0.JPEG\tn01\t0\t0\t3\t3\n");
    const train = await loadDataset("tiny-imagenet", { root: join(tmp, "tiny") });
    expect(train.size).toBe(2);
    expect(train.shape).toEqual([4, 4, 3]);
    expect(Array.from(train.factors!.classes([0, 1]))).toEqual([0, 1]); // wnids.txt order: n02 first
    expect(train.factors!.classNames!.label).toEqual(["tabby", "goldfish"]);
    expect(train.images([0])[0]).toBeGreaterThan(0.7); // n02 image is red
    const test = await loadDataset("tiny-imagenet", { root: join(tmp, "tiny"), split: "test" });
    expect(Array.from(test.factors!.classes([0]))).toEqual([1]);
    expect(test.splitRule).toMatch(/val_annotations/);
    writeFileSync(join(root, "val", "val_annotations.txt"), "val_0.JPEG\tn99\t0\t0\t3\t3\n");
    await expect(loadDataset("tiny-imagenet", { root, split: "test" })).rejects.toThrow(/val_annotations\.txt:1: unknown class 'n99'/);
    await expect(loadDataset("tiny-imagenet", { root: dir("tiny-none") })).rejects.toThrow(/missing .*tiny-none\/train\/.*cs231n/);
  });
});

describe("npy images", () => {
  it("reads uint8 N×H×W and float N×H×W×C files, and round-trips an export with its factors", async () => {
    const u8 = join(tmp, "u8.npy");
    writeFileSync(
      u8,
      serializeNpy({ dtype: "uint8", shape: [2, 2, 3], data: Uint8Array.from([0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6]) }),
    );
    const d = await loadDataset("npy", { root: u8 });
    expect(d.shape).toEqual([2, 3, 1]);
    expect(Array.from(d.images([0]))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
    const f32 = join(tmp, "f32.npy");
    writeFileSync(f32, serializeNpy({ dtype: "float32", shape: [1, 1, 2, 3], data: Float32Array.from([0, 0.1, 0.2, 0.3, 0.4, 1]) }));
    expect(Array.from((await loadDataset("npy", { root: f32 })).images([0]))).toEqual([0, 0.1, 0.2, 0.3, 0.4, 1].map(Math.fround));

    const xyc = await loadDataset("xyc", { limit: 12 });
    const out = join(tmp, "export");
    const written = exportDataset(xyc, out);
    expect(written.files.map((f) => f.slice(out.length + 1))).toEqual(["images.npy", "factors.npy", "values.npy", "info.json"]);
    const back = await loadDataset("npy", { root: out });
    expect(back.size).toBe(12);
    expect(Array.from(back.images([11]))).toEqual(Array.from(xyc.images([11])));
    expect(Array.from(back.factors!.classes(all(back)))).toEqual(Array.from(xyc.factors!.classes(all(xyc))));
    expect(back.factors!.names).toEqual(["row", "col", "colour"]);
  });

  it("refuses values outside [0, 1], wrong shapes, bad factors and missing files", async () => {
    const f = join(tmp, "bad-range.npy");
    writeFileSync(f, serializeNpy({ dtype: "float32", shape: [1, 2, 2], data: Float32Array.from([0, 0.5, 255, 1]) }));
    await expect(loadDataset("npy", { root: f })).rejects.toThrow(/value 255 at position 2 is outside \[0, 1\]/);
    const flat = join(tmp, "flat.npy");
    writeFileSync(flat, serializeNpy({ dtype: "uint8", shape: [4, 4], data: new Uint8Array(16) }));
    await expect(loadDataset("npy", { root: flat })).rejects.toThrow(/shape \[4,4\], expected N×H×W/);
    const folder = dir("npy-bad-factors");
    writeFileSync(join(folder, "images.npy"), serializeNpy({ dtype: "uint8", shape: [2, 1, 1], data: new Uint8Array(2) }));
    writeFileSync(join(folder, "factors.npy"), serializeNpy({ dtype: "float32", shape: [2], data: Float32Array.from([0, 0.5]) }));
    await expect(loadDataset("npy", { root: folder })).rejects.toThrow(/factors\.npy: value 0\.5 at row 1 is not a class index/);
    writeFileSync(join(folder, "factors.npy"), serializeNpy({ dtype: "int32", shape: [3], data: Int32Array.from([0, 1, 2]) }));
    await expect(loadDataset("npy", { root: folder })).rejects.toThrow(/shape \[3\], expected \[2\] or \[2, K\]/);
    await expect(loadDataset("npy", { root: join(tmp, "nope.npy") })).rejects.toThrow(/file not found: .*nope\.npy/);
    await expect(loadDataset("npy", {})).rejects.toThrow(/--root/);
  });
});

describe("dsprites npz", () => {
  // Twelve images drawn by the generator at scattered grid indices, saved as the official file would be.
  const indices = [0, 1, 32, 1024, 40960, 245760, 300001, 420000, 500500, 600000, 700000, 737279];
  let images: Float32Array;
  const npy = (dtype: "uint8" | "int64" | "float64", shape: number[], data: Uint8Array | Float64Array) =>
    serializeNpy({ dtype, shape, data });
  const members = (opts: { imgs?: boolean; classes?: boolean; shape?: number[] } = {}) => {
    const out: Record<string, Uint8Array> = { "metadata.npy": npy("uint8", [3], Uint8Array.from([1, 2, 3])) };
    if (opts.imgs !== false)
      out["imgs.npy"] = npy(
        "uint8",
        opts.shape ?? [12, 64, 64],
        Uint8Array.from(
          images.subarray(
            0,
            (opts.shape ?? [12, 64, 64]).reduce((a, b) => a * b),
          ),
        ),
      );
    if (opts.classes !== false) {
      const cls = new Float64Array(12 * 6);
      indices.forEach((i, r) => [0, 1, 2, 3, 4].forEach((f) => (cls[r * 6 + f + 1] = DSPRITES_GRID.classOf(i, f))));
      out["latents_classes.npy"] = npy("int64", [12, 6], cls);
      out["latents_values.npy"] = npy("float64", [12, 6], cls);
    }
    return out;
  };
  beforeAll(async () => {
    images = (await loadDataset("dsprites")).images(indices);
  });

  it("streams imgs and latents_classes from stored and deflated zips", async () => {
    for (const level of [0, 6] as const) {
      const file = join(tmp, `dsprites-${level}.npz`);
      const m = members();
      writeFileSync(file, zipSync(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [v, { level }]]))));
      const d = await loadDataset("dsprites-npz", { root: file });
      expect(d.size).toBe(12);
      expect(d.shape).toEqual([64, 64, 1]);
      const got = d.images(all(d));
      let diff = 0;
      for (let p = 0; p < got.length; p++) if (got[p] !== images[p]) diff++;
      expect(diff).toBe(0);
      expect(images.reduce((s, v) => s + v, 0)).toBeGreaterThan(12 * 50); // the images are not blank
      expect(Array.from(d.factors!.classes(all(d)))).toEqual(Array.from((await loadDataset("dsprites")).factors!.classes(indices)));
      expect(d.factors!.values!([11])[2]).toBeCloseTo(2 * Math.PI, 5);
    }
  });

  it("names the file and the problem for bad archives", async () => {
    const write = (name: string, files: Record<string, Uint8Array>) => {
      const file = join(tmp, name);
      writeFileSync(file, zipSync(files));
      return file;
    };
    const load = (root: string) => loadDataset("dsprites-npz", { root });
    await expect(load(write("no-imgs.npz", members({ imgs: false })))).rejects.toThrow(/no-imgs\.npz has no imgs\.npy member/);
    await expect(load(write("shape.npz", members({ shape: [12, 32, 128] })))).rejects.toThrow(
      /imgs\.npy has dtype \|u1 shape \[12,32,128\], expected uint8 \[N, 64, 64\]/,
    );
    await expect(load(write("partial.npz", members({ classes: false })))).rejects.toThrow(/12 images without latents_classes/);
    for (const level of [0, 6] as const) {
      // Cut inside the imgs member (deflated, twelve sparse images take about 450 bytes).
      const whole = zipSync({ "imgs.npy": [members()["imgs.npy"], { level }] });
      const cut = join(tmp, `cut-${level}.npz`);
      writeFileSync(cut, whole.subarray(0, level ? 300 : 20000));
      await expect(load(cut)).rejects.toThrow(/cut-\d\.npz: truncated or corrupt zip/);
    }
    const text = join(tmp, "text.npz");
    writeFileSync(text, "hello, not a zip");
    await expect(load(text)).rejects.toThrow(/not a zip\/npz file/);
    await expect(load(dir("no-npz"))).rejects.toThrow(/missing .*no-npz\/dsprites_ndarray_co1sh3sc6or40x32y32_64x64\.npz/);
  });
});
