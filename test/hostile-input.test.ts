/**
 * Hostile and careless input (issue #14 items 10-12): sizes that cannot fit, numbers that mean
 * nothing, and files that are not what they claim each get a SculptError naming the problem and
 * the fix (exit 2 from the command line), never a raw RangeError, a stack overflow, a hang, an
 * out-of-memory crash or a silently wrong result.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import { main } from "../src/cli/main.js";
import { matrix } from "../src/core/matrix.js";
import { createPrior } from "../src/core/priors/index.js";
import { parseSpec } from "../src/core/priors/spec.js";
import { SculptError } from "../src/core/registry.js";
import { readIdx } from "../src/node/data/mnist.js";
import { decodeImageFile } from "../src/node/data/images.js";
import { readMaybeGz } from "../src/node/data/files.js";
import { loadPrior } from "../src/node/priors.js";
import { readNpy, writeMatrix, writeNpy } from "../src/node/npy-file.js";
import { writeFakeRun } from "./report-fixture.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-hostile-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `sculpt ARGS` in-process: exit code and what it printed. */
async function sculpt(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error, write] = [console.log, console.error, process.stdout.write];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  process.stdout.write = ((c: string) => out.push(String(c)) > 0) as typeof process.stdout.write;
  process.exitCode = 0;
  try {
    await main(["node", "sculpt", ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join("\n"), err: err.join("\n") };
  } catch (e) {
    return { code: -1, out: out.join("\n"), err: `${err.join("\n")}\nthrown: ${(e as Error).stack}` };
  } finally {
    [console.log, console.error, process.stdout.write] = [log, error, write];
    process.exitCode = 0;
  }
}

/** Exit 2 with a message matching `problem` and a fix line. */
async function refused(args: string[], problem: RegExp): Promise<void> {
  const r = await sculpt(...args);
  expect(r.code, `${args.join(" ")}: ${r.err}`).toBe(2);
  expect(r.err).toMatch(problem);
  expect(r.err).toMatch(/fix:/);
}

/** A .npy header with any shape text, and some data bytes. */
function npyWithShape(shape: string, dataBytes = 16): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  header += " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + dataBytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

describe("raw errors become messages (item 12)", () => {
  it("a folder given as a .npy or as empirical(...)", async () => {
    const dir = join(tmp, "a-folder.npy");
    mkdirSync(dir);
    expect(() => readNpy(dir)).toThrow(/is a folder, not a \.npy file/);
    await refused(["mmd", dir, dir], /is a folder/);
    expect(() => loadPrior(`empirical(${dir})`, 2)).toThrow(SculptError);
  });

  it("brackets nested thousands deep", () => {
    for (const depth of [3000, 10000]) {
      const spec = "hybrid[".repeat(depth) + "gaussian" + "]".repeat(depth);
      expect(() => parseSpec(spec)).toThrow(/nested more than 64 levels deep/);
      const args = "mixture(".repeat(depth) + "gaussian" + ")".repeat(depth);
      expect(() => parseSpec(args)).toThrow(/nested more than 64 levels deep/);
    }
    expect(parseSpec("hybrid[".repeat(10) + "gaussian" + "]".repeat(10)).name).toBe("hybrid");
  });

  it("a negative, fractional or huge shape in an npy header", () => {
    for (const [shape, why] of [
      ["(-4, 1)", /shape/],
      ["(2.5,)", /shape/],
      ["(100000000000000, 100000000)", /shape|truncated|too large/],
    ] as const) {
      const path = join(tmp, `bad-shape-${shape.length}.npy`);
      writeFileSync(path, npyWithShape(shape));
      expect(() => readNpy(path)).toThrow(why);
      expect(() => readNpy(path)).toThrow(SculptError);
    }
  });

  it("reading /dev/zero as a .npy ends at once", async () => {
    expect(() => readNpy("/dev/zero")).toThrow(/not a \.npy file/);
    await refused(["mmd", "/dev/zero", "/dev/zero"], /not a \.npy file/);
  });

  it("a null line and random bytes in history.jsonl; report --out an existing folder", async () => {
    const run = join(tmp, "run-null");
    writeFakeRun(run, { n: 20 });
    writeFileSync(join(run, "history.jsonl"), 'null\n{"epoch":1,"step":1,"loss/total":1}\n[1,2]\n');
    const ok = await sculpt("report", "--run", run, "--out", join(tmp, "null.html"));
    expect(ok.code, ok.err).toBe(0);
    const garbage = join(tmp, "run-garbage");
    writeFakeRun(garbage, { n: 20 });
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    writeFileSync(join(garbage, "history.jsonl"), bytes);
    const g = await sculpt("report", "--run", garbage, "--out", join(tmp, "garbage.html"), "--json");
    expect(g.code, g.err).toBe(0);
    const { readFileSync } = await import("node:fs");
    const html = readFileSync(join(tmp, "garbage.html"), "utf8");
    expect(html).toMatch(/history\.jsonl is corrupt/);
    expect(html).not.toMatch(/No history\.jsonl yet/);
    const outDir = join(tmp, "an-existing-folder");
    mkdirSync(outDir);
    await refused(["report", "--run", run, "--out", outDir], /is a folder/);
  });
});

describe("numbers that must be refused (item 11)", () => {
  it("sculpt mmd on NaN or Inf", async () => {
    const good = join(tmp, "good.npy");
    writeMatrix(good, matrix(4, 2, Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7])));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const path = join(tmp, `bad-${bad}.npy`);
      writeMatrix(path, matrix(4, 2, Float32Array.from([0, 1, 2, bad, 4, 5, 6, 7])));
      await refused(["mmd", good, path, "--json"], /non-finite value \((NaN|Infinity|-Infinity)\) at row 1/);
    }
  });

  it("--max-rows below 1", async () => {
    const good = join(tmp, "good2.npy");
    writeMatrix(good, matrix(4, 2, Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7])));
    for (const bad of ["-1", "0"]) {
      const r = await sculpt("mmd", good, good, "--max-rows", bad);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(/--max-rows must be a whole number ≥ 2/);
    }
  });

  it("gmm and mixture weights: all zero, negative, or not summing to 1", () => {
    expect(() => createPrior("gmm(-1|1, 1, 0|0)", { dim: 1 })).toThrow(/weights sum to 0/);
    expect(() => createPrior("gmm(-1|1, 1, 1|3)", { dim: 1 })).toThrow(/weights sum to 4, not 1/);
    expect(() => createPrior("mixture(gaussian(0, 1), uniform(-1, 1), weights=2|2)", { dim: 1 })).toThrow(/weights sum to 4, not 1/);
    expect(createPrior("gmm(-1|1, 1, 0.25|0.75)", { dim: 1 }).dim).toBe(1);
  });

  it("uniform bounds that overflow float32", () => {
    expect(() => createPrior("uniform(-1e39, 1e39)", { dim: 1 })).toThrow(/float32/);
    expect(() => createPrior("gaussian(0, 1e39)", { dim: 1 })).toThrow(/float32/);
  });

  it("empirical() rows with NaN", () => {
    const path = join(tmp, "nan-codes.npy");
    writeMatrix(path, matrix(3, 2, Float32Array.from([0, 1, NaN, 3, 4, 5])));
    expect(() => loadPrior(`empirical(${path})`, 2)).toThrow(/non-finite value \(NaN\) at row 1/);
  });

  it("an npy data set with 0 images", async () => {
    const path = join(tmp, "empty-images.npy");
    writeNpy(path, { dtype: "uint8", shape: [0, 4, 4], data: new Uint8Array(0) });
    await refused(["data", "info", "npy", "--root", path], /no images/);
  });
});

describe("sizes that cannot fit (item 10)", () => {
  it("prior sample: huge n, dim or repeat", async () => {
    const out = join(tmp, "s.npy");
    await refused(["prior", "sample", "--spec", "gaussian", "--n", "1e12", "--out", out], /at most/);
    await refused(["prior", "sample", "--spec", "gaussian", "--n", "2", "--dim", "1e8", "--out", out], /at most/);
    await refused(["prior", "sample", "--spec", "hybrid[gaussian*100000000]", "--n", "2", "--out", out], /at most/);
    expect(() => createPrior("hybrid[gaussian*100000000]", { dim: 100000000 })).toThrow(/at most 65536 dimensions/);
  });

  it("data preview --scale", async () => {
    await refused(["data", "preview", "xy", "--scale", "100000", "--out", join(tmp, "p.png")], /at most/);
  });

  it("a gzip bomb is stopped at the size its IDX header declares", () => {
    // Header: 10 images of 28×28 (7,840 bytes) followed by 50 MB of zeros.
    const header = new Uint8Array(16);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x0803);
    v.setUint32(4, 10);
    v.setUint32(8, 28);
    v.setUint32(12, 28);
    const body = new Uint8Array(16 + 50_000_000);
    body.set(header);
    const path = join(tmp, "bomb-images-idx3-ubyte.gz");
    writeFileSync(path, gzipSync(body));
    expect(() => readIdx(path, 3)).toThrow(/more data than its header declares \(7856 bytes\)/);
    // Without the cap the same file inflates whole (and parseIdx then finds the mismatch).
    expect(readMaybeGz(path).length).toBe(16 + 50_000_000);
  });

  it("a PNG declaring huge dimensions is refused before decoding", () => {
    const png = new PNG({ width: 2, height: 2 });
    const bytes = PNG.sync.write(png);
    // Rewrite IHDR's width and height (bytes 16..23) to 30000×30000 (the CRC no longer matters: refused first).
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    v.setUint32(16, 30000);
    v.setUint32(20, 30000);
    const path = join(tmp, "huge.png");
    writeFileSync(path, bytes);
    expect(() => decodeImageFile(path)).toThrow(/30000×30000.*at most/);
  });
});
