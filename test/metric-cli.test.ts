/**
 * `sculpt metric` end to end: each metric on .npy files with --json, through the command parser
 * in-process (stdout captured), and once through the real command line (exit 2 with the problem
 * and fix on bad input).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { Rng } from "../src/core/random.js";
import { writeMatrix, writeNpy } from "../src/node/npy-file.js";
import { FIXTURES, readJson, ROOT } from "./helpers.js";

let tmp: string;
let z: string;
let f: string;
let x: string;
let xHat: string;
let nan: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-metric-cli-"));
  const rng = new Rng(4);
  const n = 200;
  const codes = new Float32Array(n * 3);
  const classes = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    classes[2 * i] = rng.int(3);
    classes[2 * i + 1] = rng.int(2);
    codes[3 * i] = classes[2 * i] + 0.1 * rng.normal();
    codes[3 * i + 1] = classes[2 * i + 1] + 0.1 * rng.normal();
    codes[3 * i + 2] = codes[3 * i] - codes[3 * i + 1] + 0.05 * rng.normal();
  }
  z = join(tmp, "z.npy");
  f = join(tmp, "f.npy");
  x = join(tmp, "x.npy");
  xHat = join(tmp, "xhat.npy");
  nan = join(tmp, "nan.npy");
  writeMatrix(z, { rows: n, cols: 3, data: codes });
  writeNpy(f, { dtype: "int64", shape: [n, 2], data: classes });
  writeMatrix(x, { rows: 2, cols: 2, data: Float32Array.from([1, 2, 3, 4]) });
  writeMatrix(xHat, { rows: 2, cols: 2, data: Float32Array.from([1, 2, 3, 5]) });
  const bad = codes.slice();
  bad[4] = NaN;
  writeMatrix(nan, { rows: n, cols: 3, data: bad });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run in-process and parse what it printed. */
async function sculptJson(...args: string[]): Promise<Record<string, unknown>> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => chunks.push(s) > 0) as typeof process.stdout.write;
  try {
    await buildProgram().parseAsync(["node", "sculpt", "metric", ...args, "--json"]);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(chunks.join("")) as Record<string, unknown>;
}

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv))", "sculpt", ...args], {
    cwd: ROOT,
  });

describe("sculpt metric", () => {
  it("lps prints lps, perDim and the regressor; ordered split reproduces the fixture", async () => {
    const r = await sculptJson("lps", z, "--seed", "3", "--threads", "1");
    expect(r).toMatchObject({ metric: "lps", regressor: "gbdt", split: "random" });
    expect(r.perDim).toHaveLength(3);
    expect(r.lps).toBeGreaterThan(0.5); // the third code is a function of the first two
    const ref = readJson<{ sets: Record<string, { lps_sklearn_hgbr: number }> }>(join(FIXTURES, "lps_reference.json"));
    const circle = await sculptJson("lps", join(FIXTURES, "lps_noisy-circle-d2.npy"), "--split", "ordered");
    expect(Math.abs((circle.lps as number) - ref.sets["noisy-circle-d2"].lps_sklearn_hgbr)).toBeLessThan(0.03);
  });

  it("mig, sap, dci and covariance-ratio on codes and factors", async () => {
    const m = await sculptJson("mig", z, f);
    expect(m.score).toBeGreaterThan(0.4);
    const s = await sculptJson("sap", z, f, "--split", "ordered", "--train", "150");
    expect(s.discrete).toBeGreaterThan(0.1);
    expect(s.continuous).toBeGreaterThan(0.1);
    const d = await sculptJson("dci", z, f, "--model", "forest");
    expect(d).toMatchObject({ model: "forest" });
    expect(d.disentanglement).toBeGreaterThan(0.2);
    const c = await sculptJson("covariance-ratio", z);
    expect(c.ratio).toBeGreaterThan(0);
    await expect(sculptJson("mig", z)).rejects.toThrow(/needs F\.npy/);
  });

  it("modularity, explicitness, irs, unsupervised and dci's regressor form", async () => {
    const mod = await sculptJson("modularity", z, f);
    expect(mod.perCode).toHaveLength(3);
    expect(mod.score).toBeGreaterThan(0.5); // two codes carry one factor each
    const e = await sculptJson("explicitness", z, f, "--split", "ordered", "--train", "150");
    expect(e.perFactorTest).toHaveLength(2);
    expect(e.test).toBeGreaterThan(0.95);
    const i = await sculptJson("irs", z, f);
    expect(i.activeDims).toBe(3);
    expect(i.score).toBeGreaterThan(0.3);
    const u = await sculptJson("unsupervised", z);
    expect(u.gaussianTotalCorrelation).toBeGreaterThan(0.5); // the third code depends on the first two
    const d = await sculptJson("dci", z, f, "--model", "forest");
    expect(d.informativeness).toBeGreaterThan(0.8); // test R²
    await expect(sculptJson("explicitness", z, f, "--train", "199.5")).rejects.toThrow(/--train/);
  });

  it("nmse and fidelity", async () => {
    const n = await sculptJson("nmse", x, xHat);
    expect(n.linear).toBeCloseTo(1 / 30, 6);
    const fi = await sculptJson("fidelity", z, "--prior", "gaussian", "--permutations", "20");
    expect(fi.ks).toHaveLength(3);
    expect(fi.pValue).toBeLessThan(0.1); // these codes are far from N(0, 1)
    await expect(sculptJson("fidelity", z)).rejects.toThrow(/--prior/);
  });

  it("through the real command line: exit 2 with the problem and a fix for NaN codes", async () => {
    const err = await cli("metric", "lps", nan, "--json").catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toMatch(/non-finite value \(NaN\) at row 1, column 1[\s\S]*fix:/);
  });
});
