/**
 * `npm run bench -- metrics`: the time of every registry metric on 10,000 codes (10 dims, five
 * dSprites-sized factors: 3, 6, 40, 32, 32 values), each run alone through `evaluateAll` on one
 * thread. Beside it, when `/usr/bin/python3 -c "import sklearn"` works, the Python references of
 * bench/metrics_reference.py on the same file (explicitness trained on as many rows, 2/3), and the ratio of
 * CPU seconds sculpt / Python (the target: ≤ 1 for each). BENCH_METRICS=a,b limits the metrics.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPrior } from "../src/core/priors/index.js";
import { evaluateAll, METRICS, type MetricInputs, type MetricName } from "../src/core/metrics/index.js";
import { Rng } from "../src/core/random.js";
import { writeMatrix, writeNpy } from "../src/node/npy-file.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = "/usr/bin/python3";
const N = 10_000;
const D = 10;
const SIZES = [3, 6, 40, 32, 32];

/** Codes that carry the factors in a mix of clean, nonlinear, entangled and noise dimensions. */
function inputs(): MetricInputs {
  const rng = new Rng(18);
  const k = SIZES.length;
  const classes = new Int32Array(N * k);
  const data = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    const f = SIZES.map((s, j) => (classes[i * k + j] = rng.int(s)) / Math.max(1, s - 1));
    for (let j = 0; j < D; j++) {
      const a = f[j % k];
      const b = f[(j + 1) % k];
      data[i * D + j] =
        j < k ? a + 0.05 * rng.normal() : j < 2 * k - 2 ? Math.tanh(3 * a - 1.5) + 0.5 * b + 0.1 * rng.normal() : rng.normal();
    }
  }
  const images = Float32Array.from({ length: 512 * 64 }, () => rng.uniform());
  return {
    latents: { rows: N, cols: D, data },
    factors: { classes, sizes: SIZES, names: ["shape", "scale", "orientation", "x", "y"] },
    images,
    reconstructions: images.map((v) => v + 0.05 * rng.normal()),
    prior: createPrior("gaussian", { dim: D }),
    // BetaVAE/FactorVAE draw through an encoder; a cheap linear one here, so their time is the
    // metric's own (a run's conv encoder adds its cost for about 2.9 million images).
    interventions: {
      sizes: SIZES,
      encode: async (classes, n) => {
        const z = new Float64Array(n * D);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < D; j++) z[i * D + j] = classes[i * k + (j % k)] / SIZES[j % k] + 0.1 * classes[i * k + ((j + 1) % k)];
        return { rows: n, cols: D, data: z };
      },
    },
    seed: 0,
  };
}

function python(x: MetricInputs): { seconds: Record<string, number>; cpuSeconds: Record<string, number> } | { skipped: string } {
  if (spawnSync(PYTHON, ["-c", "import sklearn"], { stdio: "ignore" }).status !== 0) {
    return { skipped: `${PYTHON} with scikit-learn not found (apt-get install python3-sklearn)` };
  }
  const dir = mkdtempSync(join(tmpdir(), "sculpt-bench-metrics-"));
  try {
    writeMatrix(join(dir, "z.npy"), x.latents);
    writeNpy(join(dir, "f.npy"), { dtype: "int64", shape: [N, SIZES.length], data: Float64Array.from(x.factors!.classes) });
    const out = execFileSync(PYTHON, [
      join(HERE, "metrics_reference.py"),
      "--time",
      join(dir, "z.npy"),
      join(dir, "f.npy"),
      String(Math.floor((2 * N) / 3)),
    ]);
    return JSON.parse(out.toString()) as { seconds: Record<string, number>; cpuSeconds: Record<string, number> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<unknown> {
  const x = inputs();
  const chosen = (process.env.BENCH_METRICS?.split(",") ?? Object.keys(METRICS)) as MetricName[];
  const seconds: Record<string, number> = {};
  const cpuSeconds: Record<string, number> = {};
  const skipped: Record<string, string> = {};
  for (const name of chosen) {
    const c0 = process.cpuUsage();
    const r = await evaluateAll(x, { only: [name] });
    const c = process.cpuUsage(c0);
    if (r.seconds[name] === undefined) {
      skipped[name] = r.skipped[name] ?? "not run";
      continue;
    }
    seconds[name] = r.seconds[name]!;
    cpuSeconds[name] = (c.user + c.system) / 1e6;
  }
  const py = python(x);
  // CPU time: the machine is shared, and CPU seconds are what load skews least.
  const cpuRatioToPython: Record<string, number> = {};
  if (!("skipped" in py)) {
    for (const [name, s] of Object.entries(py.cpuSeconds))
      if (cpuSeconds[name] !== undefined) cpuRatioToPython[name] = cpuSeconds[name] / s;
  }
  return { codes: N, dims: D, factorSizes: SIZES, seconds, cpuSeconds, skipped, python: py, cpuRatioToPython, loadAverage: loadavg()[0] };
}
