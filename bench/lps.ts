/**
 * LPS speed and agreement. Speed: LPS-gbdt on 10,000 codes × 64 dims (the CIFAR-10 setting) on
 * worker threads, against scikit-learn's HistGradientBoostingRegressor (early_stopping=False, the
 * LightGBM default) on the same file and split, when `/usr/bin/python3 -c "import sklearn"` works;
 * the target is a wall-clock ratio ≤ 1. Beside it, both run single-threaded on 8 of the regressions
 * (scikit-learn with OMP_NUM_THREADS=1), a CPU-time comparison that other load on the machine
 * hardly skews (OpenMP's spinning threads suffer badly from it). Agreement: LPS-gbdt and LPS-mlp on every LPS fixture
 * against the scikit-learn values stored beside it (the unit tests check only the quick ones).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lps, lpsDim, planLps } from "../src/core/metrics/lps.js";
import { Rng } from "../src/core/random.js";
import { lpsParallel } from "../src/node/metrics/lps-parallel.js";
import { readMatrix, writeMatrix } from "../src/node/npy-file.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, "..", "test", "fixtures"); // provenance in test/fixtures/README.md
const PYTHON = "/usr/bin/python3";

/** Codes with the kinds of structure a trained encoder leaves: shared factors, a nonlinear link, noise. */
function syntheticCodes(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    for (let j = 0; j < d; j++) {
      const noise = rng.normal();
      data[i * d + j] =
        j % 4 === 0 ? noise : j % 4 === 1 ? 0.6 * a + 0.8 * noise : j % 4 === 2 ? Math.sin(2 * a) + 0.5 * noise : 0.4 * a * b + noise;
    }
  }
  return { rows: n, cols: d, data };
}

function sklearnAvailable(): boolean {
  return spawnSync(PYTHON, ["-c", "import sklearn"], { stdio: "ignore" }).status === 0;
}

async function speed() {
  const n = 10_000;
  const d = 64;
  const z = syntheticCodes(n, d, 0);
  const dir = mkdtempSync(join(tmpdir(), "sculpt-lps-"));
  try {
    const file = join(dir, "z.npy");
    writeMatrix(file, z);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ours = await lpsParallel(readMatrix(file), { regressor: "gbdt", split: "ordered" });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sculpt = { lps: ours.lps, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    const load = loadavg()[0];
    if (!sklearnAvailable())
      return { rows: n, dims: d, sculpt, sklearn: "skipped: /usr/bin/python3 cannot import sklearn", loadAverage: load };
    const out = execFileSync(PYTHON, [join(HERE, "lps-sklearn.py"), file, String(ours.trainRows)], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    const ref = JSON.parse(out.trim().split("\n").pop()!) as { lps: number; perDim: number[]; seconds: number; cpuSeconds: number };
    const maxDimDiff = Math.max(...ours.perDim.map((v, j) => Math.abs(v - ref.perDim[j])));
    // single-threaded, 8 regressions each
    const k = 8;
    const plan = planLps(readMatrix(file), { regressor: "gbdt", split: "ordered" });
    const c1 = process.cpuUsage();
    for (let i = 0; i < k; i++) lpsDim(plan, i);
    const c1d = process.cpuUsage(c1);
    const oneOut = execFileSync(PYTHON, [join(HERE, "lps-sklearn.py"), file, String(ours.trainRows), String(k)], {
      encoding: "utf8",
      env: { ...process.env, OMP_NUM_THREADS: "1" },
    });
    const one = JSON.parse(oneOut.trim().split("\n").pop()!) as { cpuSeconds: number };
    const singleThread = {
      regressions: k,
      sculptCpuSecondsPerRegression: (c1d.user + c1d.system) / 1e6 / k,
      sklearnCpuSecondsPerRegression: one.cpuSeconds / k,
      ratio: (c1d.user + c1d.system) / 1e6 / one.cpuSeconds,
    };
    return {
      rows: n,
      dims: d,
      split: "ordered 80/20",
      sculpt,
      sklearn: {
        lps: ref.lps,
        seconds: ref.seconds,
        cpuSeconds: ref.cpuSeconds,
        note: "HistGradientBoostingRegressor(early_stopping=False)",
      },
      ratio: seconds / ref.seconds,
      cpuRatio: sculpt.cpuSeconds / ref.cpuSeconds,
      maxPerDimDifference: maxDimDiff,
      singleThread,
      target: "ratio ≤ 1 (sculpt no slower than scikit-learn)",
      // other processes on the machine skew wall-clock ratios; the CPU-time ratio is steadier
      loadAverage: load,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface LpsSet {
  file: string;
  sklearn_hgbr: number[];
  lps_sklearn_hgbr: number;
  lps_sklearn_mlp: number;
}

function agreement() {
  const ref = JSON.parse(readFileSync(join(FIXTURES, "lps_reference.json"), "utf8")) as { sets: Record<string, LpsSet> };
  const rows: Record<string, object> = {};
  for (const [name, set] of Object.entries(ref.sets)) {
    const z = readMatrix(join(FIXTURES, set.file));
    const g = lps(z, { regressor: "gbdt", split: "ordered" });
    const m = lps(z, { regressor: "mlp", split: "ordered" });
    rows[name] = {
      gbdt: g.lps,
      sklearnHgbr: set.lps_sklearn_hgbr,
      gbdtMaxPerDimDifference: Math.max(...g.perDim.map((v, j) => Math.abs(v - set.sklearn_hgbr[j]))),
      mlp: m.lps,
      sklearnMlp: set.lps_sklearn_mlp,
      mlpDifference: Math.abs(m.lps - set.lps_sklearn_mlp),
    };
  }
  return { tolerances: "gbdt: 0.03 per set, 0.06 per dim; mlp: 0.05 per set", sets: rows };
}

export async function run(): Promise<object> {
  return { speed: await speed(), fixtures: agreement() };
}
