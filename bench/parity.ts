/**
 * `npm run bench -- parity [--models ae,ae-mmd,…] [--datasets xy,mnist] [--seeds 3] [--quick]
 *  [--root DIR] [--cache DIR] [--nice N] [--only sculpt|torch] [--cached] [--record [--records DIR]] [--markdown]`: every model of the registry trained by sculpt (trainRun) and by
 * its PyTorch reference (bench/torch_models.py, same network from the same architecture, same
 * hyperparameters, same images), scored on the same evaluation images by sculpt's own metric code:
 * NMSE dB, LPS-gbdt, covariance ratio and, for models with a prior, the largest marginal KS
 * distance. Prints per model × data set the mean ± std over seeds for both sides and the
 * differences (sculpt − PyTorch); `--markdown` also writes that as a table to stderr.
 *
 * Budgets: XY with the paper's network, 20 epochs at batch 64; MNIST 5 epochs at batch 512 (its
 * files from --root or $SCULPT_DATA/mnist). `--quick`: XY only, one seed, a small network
 * (channels 8-8-16-16) for 6 epochs (264 steps) — what test/parity.test.ts runs.
 *
 * PyTorch runs on one thread under `nice` (--nice, default 10), beside sculpt (the two sides are
 * independent queues; --only runs one of them and reports the other's cached results).
 * Every finished result is cached in --cache (default .sculpt/parity) under a hash of its exact
 * settings, so an interrupted benchmark reruns only what is missing. `--record` also writes each
 * finished result, with the machine and versions that produced it, to bench/results/parity (kept in
 * git: the README's tables are these records); `--cached` reports the cache, else the records.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { evaluationSubset } from "../src/core/data/split.js";
import type { Dataset } from "../src/core/data/types.js";
import { evaluateAll, factorsFromMatrix, type Factors, type MetricName } from "../src/core/metrics/index.js";
import type { Matrix } from "../src/core/matrix.js";
import { modelPrior } from "../src/core/models/index.js";
import { createTrainable } from "../src/core/train/setup.js";
import { writeJsonAtomic } from "../src/node/atomic.js";
import { initBackend } from "../src/node/backend.js";
import { loadDataset } from "../src/node/data/index.js";
import { readMatrix, writeNpy } from "../src/node/npy-file.js";
import { loadPrior } from "../src/node/priors.js";
import { loadRun } from "../src/node/run.js";
import { resolveTrainConfig, trainRun, type UserTrainConfig } from "../src/node/train.js";
import { benchArgs, fail } from "./args.js";

/** The interpreter for the references: SCULPT_PYTHON, else Debian's (with python3-torch). */
export const PYTHON = process.env.SCULPT_PYTHON ?? "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "torch_models.py");

/** bench/torch_models.py with these arguments, on one thread under `nice`; rejects with its stderr's tail. */
export function runReference(args: string[], nice: number, python = PYTHON, what = args[0]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn("nice", ["-n", String(nice), python, SCRIPT, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, OMP_NUM_THREADS: "1" },
    });
    let err = "";
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`torch_models.py ${what} failed (${code}): ${err.slice(-2000)}`))));
  });
}
/** Bump when either side's training or scoring changes, so cached results are not reused. */
const VERSION = 1;

/** A model as both sides run it: sculpt's model config and the reference's flags. */
export interface ParityModel {
  name: string;
  sculpt: { kind: string; [k: string]: unknown };
  torch: string[];
}

export const PARITY_MODELS: ParityModel[] = [
  { name: "ae", sculpt: { kind: "ae" }, torch: ["--model", "ae"] },
  ...["rbf-mixture", "rbf", "imq", "laplacian"].map((k) => ({
    name: k === "rbf-mixture" ? "ae-mmd" : `ae-mmd:${k}`,
    sculpt: { kind: "ae-mmd", kernel: k },
    torch: ["--model", "ae-mmd", "--kernel", k],
  })),
  ...["vae", "beta-vae", "beta-tcvae", "factor-vae", "dgae", "batch-kl"].map((m) => ({
    name: m,
    sculpt: { kind: m },
    torch: ["--model", m],
  })),
];

export interface ParityBudget {
  dataset: string;
  epochs: number;
  batchSize: number;
  /** Conv channels (encoder order); the data set's preset when absent. */
  channels?: number[];
}

export const BUDGETS: Record<string, ParityBudget> = {
  xy: { dataset: "xy", epochs: 20, batchSize: 64 },
  mnist: { dataset: "mnist", epochs: 5, batchSize: 512 },
};
export const QUICK: ParityBudget = { dataset: "xy", epochs: 6, batchSize: 64, channels: [8, 8, 16, 16] };

/** One side's scores of one trained model. */
export interface SideResult {
  nmseDb: number;
  lps: number;
  covarianceRatio: number;
  ksMax?: number;
  codeStd: number[];
  seconds: number;
  /** PyTorch's version (the reference side). */
  torch?: string;
  /** Where and with what a recorded result was measured (records only). */
  recorded?: { date: string; cpu: string; cores: number; node: string; backend?: string };
}

interface CaseSpec {
  model: ParityModel;
  budget: ParityBudget;
  seed: number;
  datasetOptions: Record<string, unknown>;
}

/** Committed results (one JSON per side × case, as --record writes them). */
export const RECORDS = join(import.meta.dirname, "results", "parity");

const hash = (o: unknown) => createHash("sha256").update(JSON.stringify(o)).digest("hex").slice(0, 16);
const caseKey = (side: string, c: CaseSpec) =>
  `${side}-${c.budget.dataset}-${c.model.name.replace(":", "-")}-s${c.seed}-${hash({ VERSION, side, m: c.model, b: c.budget, s: c.seed })}`;

/** The evaluation images and their factors, shared by both sides (the test split, up to 10,000). */
interface EvalSet {
  data: Dataset;
  images: Float32Array;
  factors?: Factors;
  files: { train: string; eval: string };
}

async function evalSet(budget: ParityBudget, datasetOptions: Record<string, unknown>, cache: string): Promise<EvalSet> {
  const data = await loadDataset(budget.dataset, { ...datasetOptions, split: "test" });
  const idx = evaluationSubset(data.size, 10_000);
  const images = data.images(idx);
  const [h, w, c] = data.shape;
  const files = { train: join(cache, `${budget.dataset}-train.npy`), eval: join(cache, `${budget.dataset}-eval.npy`) };
  if (!existsSync(files.eval)) writeNpy(files.eval, { dtype: "float32", shape: [idx.length, h, w, c], data: images });
  if (!existsSync(files.train)) {
    const train = await loadDataset(budget.dataset, { ...datasetOptions, split: "train" });
    const all = Int32Array.from({ length: train.size }, (_, i) => i);
    writeNpy(files.train, { dtype: "float32", shape: [train.size, h, w, c], data: train.images(all) });
  }
  let factors: Factors | undefined;
  if (data.factors) {
    const k = data.factors.names.length;
    factors = factorsFromMatrix({ rows: idx.length, cols: k, data: Float64Array.from(data.factors.classes(idx)) }, data.factors.names);
  }
  return { data, images, factors, files };
}

function userConfig(c: CaseSpec): UserTrainConfig {
  return {
    dataset: c.budget.dataset,
    model: c.model.sculpt,
    channels: c.budget.channels,
    epochs: c.budget.epochs,
    batchSize: c.budget.batchSize,
    seed: c.seed,
    evalLimit: 10_000,
    datasetOptions: c.datasetOptions,
  };
}

/** Scores of codes (and reconstructions) on the evaluation set, by sculpt's metric code for both sides. */
async function score(c: CaseSpec, ev: EvalSet, latents: Matrix, nmseDb: number, seconds: number): Promise<SideResult> {
  const spec = modelPrior(c.model.sculpt.kind, "gaussian");
  const prior = spec === null ? undefined : loadPrior(spec, latents.cols);
  const only: MetricName[] = [
    "covariance-ratio",
    ...(ev.factors ? (["lps"] as MetricName[]) : []),
    ...(prior ? (["fidelity"] as MetricName[]) : []),
  ];
  const { values } = await evaluateAll({ latents, factors: ev.factors, prior, seed: c.seed }, { only });
  const num = (k: string) => (typeof values[k] === "number" ? (values[k] as number) : NaN);
  const codeStd = Array.from({ length: latents.cols }, (_, k) => {
    let m = 0;
    let q = 0;
    for (let i = 0; i < latents.rows; i++) {
      const v = latents.data[i * latents.cols + k];
      m += v;
      q += v * v;
    }
    m /= latents.rows;
    return Math.sqrt(Math.max(q / latents.rows - m * m, 0));
  });
  return {
    nmseDb,
    lps: num("lps.gbdt"),
    covarianceRatio: num("covariance.ratio"),
    ...(prior ? { ksMax: num("fidelity.ks.max") } : {}),
    codeStd,
    seconds,
  };
}

/** NMSE in dB of reconstructions r of images x. */
export function nmseDb(x: Float32Array, r: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i] - r[i]) ** 2;
    den += x[i] * x[i];
  }
  return 10 * Math.log10(num / den);
}

/** sculpt's side: trainRun into the cache (resumed when a previous attempt was cut short). */
async function runSculpt(c: CaseSpec, ev: EvalSet, cache: string, backend?: string): Promise<SideResult> {
  const key = caseKey("sculpt", c);
  const file = join(cache, `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as SideResult;
  const dir = join(cache, key);
  const started = Date.now();
  const resume = existsSync(join(dir, "checkpoint.bin"));
  if (!resume) rmSync(dir, { recursive: true, force: true });
  // Yield a macrotask each step: this process also waits on the PyTorch lane's child processes,
  // whose exit events would otherwise queue until a whole sculpt run had finished.
  await trainRun(userConfig(c), { outDir: dir, resume, backend, beforeStep: () => new Promise((r) => setImmediate(r)) });
  const run = await loadRun(dir, backend);
  try {
    // In chunks: a whole evaluation set's activations at once would take gigabytes.
    const pixels = ev.data.shape[0] * ev.data.shape[1] * ev.data.shape[2];
    const n = ev.images.length / pixels;
    const d = run.config.latentDim;
    const z: Matrix = { rows: n, cols: d, data: new Float32Array(n * d) };
    const r = new Float32Array(ev.images.length);
    for (let i = 0; i < n; i += 256) {
      const m = Math.min(256, n - i);
      const zi = await run.encode(ev.images.subarray(i * pixels, (i + m) * pixels), m);
      (z.data as Float32Array).set(zi.data, i * d);
      r.set(await run.decode(zi), i * pixels);
    }
    const res = await score(c, ev, z, nmseDb(ev.images, r), (Date.now() - started) / 1000);
    writeJsonAtomic(file, res);
    return res;
  } finally {
    run.dispose();
  }
}

/** PyTorch's side: bench/torch_models.py on one thread, niced, on the same architecture and images. */
async function runTorch(
  c: CaseSpec,
  ev: EvalSet,
  cache: string,
  shape: readonly [number, number, number],
  nice: number,
  python: string,
): Promise<SideResult> {
  const key = caseKey("torch", c);
  const file = join(cache, `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as SideResult;
  const config = resolveTrainConfig(userConfig(c), shape);
  const t = createTrainable(config, shape, 1);
  const arch = t.arch;
  t.dispose();
  const archFile = join(cache, `${key}.arch.json`);
  writeJsonAtomic(archFile, arch);
  const out = join(cache, `${key}.out.json`);
  const args = [
    "train",
    archFile,
    ev.files.train,
    ev.files.eval,
    out,
    ...c.model.torch,
    "--epochs",
    String(c.budget.epochs),
    "--batch",
    String(c.budget.batchSize),
    "--seed",
    String(c.seed),
    "--threads",
    "1",
  ];
  // A reference that finished but was not scored (the bench stopped in between) is only scored.
  if (!existsSync(out)) await runReference(args, nice, python, c.model.name);
  const ref = JSON.parse(readFileSync(out, "utf8")) as { nmseDb: number; seconds: number; torch: string };
  const scored = await score(c, ev, readMatrix(out.replace(/\.json$/, ".latents.npy")), ref.nmseDb, ref.seconds);
  const res = { ...scored, torch: ref.torch };
  writeJsonAtomic(file, res);
  return res;
}

export interface ParityOptions {
  models?: string[];
  datasets?: string[];
  seeds?: number;
  quick?: boolean;
  root?: string;
  cache?: string;
  backend?: string;
  /** Niceness of the PyTorch processes (default 10). */
  nice?: number;
  /** Python interpreter with torch (default PYTHON). */
  python?: string;
  /** Run only one side's queue (the other side's cached results are still reported). */
  only?: "sculpt" | "torch";
  /** Train nothing: report what the cache (else the records) holds (a case missing on a side is left out of its mean). */
  cached?: boolean;
  /** Also write each finished result, with its machine and versions, to the records folder. */
  record?: boolean;
  /** The records folder (default RECORDS, bench/results/parity). */
  records?: string;
  /** Called as each side of each case finishes. */
  onResult?: (side: "sculpt" | "torch", model: string, dataset: string, seed: number, r: SideResult) => void;
}

interface Stat {
  mean: number;
  std: number;
  n: number;
}
const stat = (v: number[]): Stat | null => {
  const x = v.filter(Number.isFinite);
  if (x.length === 0) return null;
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const std = x.length > 1 ? Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1)) : 0;
  return { mean, std, n: x.length };
};

export interface ParityRow {
  model: string;
  dataset: string;
  sculpt: Record<string, Stat | null>;
  torch: Record<string, Stat | null>;
  /** sculpt − PyTorch, of the means. */
  difference: Record<string, number | null>;
  /** Standard error of that difference, √(s²/n + s²/n) over both sides' seeds (null under 2 seeds a side). */
  standardError: Record<string, number | null>;
  /** Per tolerated metric: within TOLERANCE, else within two standard errors (seed noise), else apart. */
  verdict: Partial<Record<ToleratedMetric, Verdict | null>>;
  runs: { sculpt: SideResult[]; torch: SideResult[] };
}

const METRIC_KEYS = ["nmseDb", "lps", "covarianceRatio", "ksMax"] as const;

/** Issue #12's bar: mean NMSE within 1 dB of PyTorch's, mean LPS within 0.05. */
export const TOLERANCE = { nmseDb: 1, lps: 0.05 } as const;
type ToleratedMetric = keyof typeof TOLERANCE;
export type Verdict = "within tolerance" | "within seed noise" | "apart";

/**
 * One model × data set from both sides' runs. A difference past the tolerance but inside two
 * standard errors cannot be told from the spread between seeds: more seeds decide it, not code.
 */
export function summarise(model: string, dataset: string, runs: { sculpt: SideResult[]; torch: SideResult[] }): ParityRow {
  const side = (rs: SideResult[]) => Object.fromEntries(METRIC_KEYS.map((k) => [k, stat(rs.map((r) => r[k] ?? NaN))]));
  const sculpt = side(runs.sculpt);
  const torch = side(runs.torch);
  const difference: Record<string, number | null> = {};
  const standardError: Record<string, number | null> = {};
  for (const k of METRIC_KEYS) {
    const [a, b] = [sculpt[k], torch[k]];
    difference[k] = a && b ? a.mean - b.mean : null;
    standardError[k] = a && b && a.n > 1 && b.n > 1 ? Math.sqrt(a.std ** 2 / a.n + b.std ** 2 / b.n) : null;
  }
  const verdict: ParityRow["verdict"] = {};
  for (const k of Object.keys(TOLERANCE) as ToleratedMetric[]) {
    const d = difference[k];
    const se = standardError[k];
    verdict[k] =
      d === null
        ? null
        : Math.abs(d) <= TOLERANCE[k]
          ? "within tolerance"
          : se !== null && Math.abs(d) <= 2 * se
            ? "within seed noise"
            : "apart";
  }
  return { model, dataset, sculpt, torch, difference, standardError, verdict, runs };
}

export async function parity(
  o: ParityOptions = {},
): Promise<{ budget: ParityBudget[]; seeds: number[]; rows: ParityRow[]; seconds: number }> {
  const started = Date.now();
  const backend = (await initBackend(o.backend)).name;
  const cache = o.cache ?? join(import.meta.dirname, "..", ".sculpt", "parity");
  mkdirSync(cache, { recursive: true });
  const records = o.records ?? RECORDS;
  if (o.record) mkdirSync(records, { recursive: true });
  const budgets = o.quick
    ? [QUICK]
    : (o.datasets ?? ["xy", "mnist"]).map((d) => BUDGETS[d] ?? unknown("data set", d, Object.keys(BUDGETS)));
  const names = o.models ?? (o.quick ? ["ae", "ae-mmd"] : PARITY_MODELS.map((m) => m.name));
  const models = names.map(
    (n) =>
      PARITY_MODELS.find((m) => m.name === n) ??
      unknown(
        "model",
        n,
        PARITY_MODELS.map((m) => m.name),
      ),
  );
  const seeds = Array.from({ length: o.quick ? 1 : (o.seeds ?? 3) }, (_, i) => i);
  const record = (side: "sculpt" | "torch", name: string, r: SideResult, date: Date) => {
    const recorded = {
      date: date.toISOString(),
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      node: process.version,
      ...(side === "sculpt" ? { backend } : {}),
    };
    writeJsonAtomic(join(records, name), { ...r, recorded });
  };
  const rows: ParityRow[] = [];
  for (const budget of budgets) {
    const datasetOptions = budget.dataset === "xy" ? {} : { ...(o.root ? { root: o.root } : {}) };
    // Reporting from the cache or the records reads no data set (a fresh clone has no MNIST files).
    let evaluation: Promise<EvalSet> | undefined;
    const evalOnce = () => (evaluation ??= evalSet(budget, datasetOptions, cache));
    // Order: seed-major, so every model gets its first seed before any gets a third.
    const cases = seeds.flatMap((seed) => models.map((model): CaseSpec => ({ model, budget, seed, datasetOptions })));
    const results = new Map<string, { sculpt?: SideResult; torch?: SideResult }>();
    const slot = (c: CaseSpec) => {
      const k = `${c.model.name}/${c.seed}`;
      if (!results.has(k)) results.set(k, {});
      return results.get(k)!;
    };
    const lane = async (side: "sculpt" | "torch") => {
      for (const c of cases) {
        const name = `${caseKey(side, c)}.json`;
        if (o.cached || (o.only && o.only !== side)) {
          const file = [join(cache, name), join(records, name)].find((f) => existsSync(f));
          if (!file) continue;
          const r = JSON.parse(readFileSync(file, "utf8")) as SideResult;
          slot(c)[side] = r;
          // Recording what this machine's cache holds: measured when its file was written.
          if (o.record && file.startsWith(cache)) record(side, name, r, statSync(file).mtime);
          continue;
        }
        const ev = await evalOnce();
        const r =
          side === "sculpt"
            ? await runSculpt(c, ev, cache, backend)
            : await runTorch(c, ev, cache, ev.data.shape, o.nice ?? 10, o.python ?? PYTHON);
        slot(c)[side] = r;
        // Dated by the cache file: when it was measured, also if that was in an earlier run.
        if (o.record) record(side, name, r, statSync(join(cache, name)).mtime);
        o.onResult?.(side, c.model.name, budget.dataset, c.seed, r);
      }
    };
    await Promise.all([lane("sculpt"), lane("torch")]);
    for (const model of models) {
      const got = (side: "sculpt" | "torch") => seeds.flatMap((s) => results.get(`${model.name}/${s}`)?.[side] ?? []);
      rows.push(summarise(model.name, budget.dataset, { sculpt: got("sculpt"), torch: got("torch") }));
    }
  }
  return { budget: budgets, seeds, rows, seconds: (Date.now() - started) / 1000 };
}

/**
 * The README's table: per model, mean ± std (seeds) of each side, the differences of the means ±
 * their standard error, and the verdict against TOLERANCE.
 */
export function markdownTable(rows: ParityRow[]): string {
  const cell = (v: Stat | null, digits: number) =>
    v === null ? "–" : `${v.mean.toFixed(digits)}${v.n > 1 ? ` ± ${v.std.toFixed(digits)}` : ""} (${v.n})`;
  const signed = (v: number, digits: number) => {
    const text = Math.abs(v).toFixed(digits);
    return Number(text) === 0 ? text : `${v > 0 ? "+" : "−"}${text}`;
  };
  const diff = (v: number | null, se: number | null, digits: number) =>
    v === null ? "–" : `${signed(v, digits)}${se === null ? "" : ` ± ${se.toFixed(digits)}`}`;
  const LABEL: Record<ToleratedMetric, string> = { nmseDb: "NMSE", lps: "LPS" };
  const verdict = (r: ParityRow) => {
    const got = (Object.keys(TOLERANCE) as ToleratedMetric[]).filter((k) => r.verdict[k]);
    if (got.length === 0) return "–";
    const off = (v: Verdict) => got.filter((k) => r.verdict[k] === v).map((k) => LABEL[k]);
    const [noise, apart] = [off("within seed noise"), off("apart")];
    if (noise.length === 0 && apart.length === 0) return "yes";
    return [apart.length ? `no: ${apart.join(", ")}` : "", noise.length ? `${noise.join(", ")} within 2 SE` : ""]
      .filter(Boolean)
      .join("; ");
  };
  const head = [
    "| data | model | NMSE dB sculpt | NMSE dB PyTorch | Δ NMSE ± SE | LPS sculpt | LPS PyTorch | Δ LPS ± SE | KS max sculpt | KS max PyTorch | within 1 dB / 0.05 |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const lines = rows.map((r) =>
    [
      r.dataset,
      r.model,
      cell(r.sculpt.nmseDb, 2),
      cell(r.torch.nmseDb, 2),
      diff(r.difference.nmseDb, r.standardError.nmseDb, 2),
      cell(r.sculpt.lps, 2),
      cell(r.torch.lps, 2),
      diff(r.difference.lps, r.standardError.lps, 2),
      cell(r.sculpt.ksMax, 3),
      cell(r.torch.ksMax, 3),
      verdict(r),
    ].join(" | "),
  );
  return [...head, ...lines.map((l) => `| ${l} |`)].join("\n");
}

function unknown(what: string, name: string, known: string[]): never {
  console.error(`unknown ${what} '${name}' (use one of: ${known.join(", ")})`);
  process.exit(2);
}

const USAGE = `usage: npm run bench -- parity [--models ae,ae-mmd,…] [--datasets xy,mnist] [--seeds N] [--quick]
  [--root DIR] [--cache DIR] [--nice N] [--only sculpt|torch] [--cached] [--record [--records DIR]] [--markdown]
(bench/parity.ts says what each does)`;

export async function run(): Promise<unknown> {
  const v = benchArgs(
    {
      models: { type: "string" },
      datasets: { type: "string" },
      seeds: { type: "string" },
      quick: { type: "boolean" },
      root: { type: "string" },
      cache: { type: "string" },
      nice: { type: "string" },
      only: { type: "string" },
      cached: { type: "boolean" },
      record: { type: "boolean" },
      records: { type: "string" },
      markdown: { type: "boolean" },
    },
    USAGE,
  );
  const count = (name: string, text: string | undefined, min: number) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, not '${text}'`, USAGE);
    return n;
  };
  if (v.only !== undefined && v.only !== "sculpt" && v.only !== "torch") unknown("side for --only", v.only, ["sculpt", "torch"]);
  const list = (text: string | undefined) => text?.split(",").map((s) => s.trim());
  const out = await parity({
    models: list(v.models),
    datasets: list(v.datasets),
    seeds: count("seeds", v.seeds, 1),
    quick: v.quick,
    root: v.root,
    cache: v.cache,
    nice: count("nice", v.nice, -20),
    only: v.only as "sculpt" | "torch" | undefined,
    cached: v.cached,
    record: v.record,
    records: v.records,
    onResult: (side, model, dataset, seed, r) =>
      console.error(`parity: ${side} ${model} ${dataset} seed ${seed}: NMSE ${r.nmseDb.toFixed(2)} dB, ${r.seconds.toFixed(0)} s`),
  });
  if (v.markdown) console.error(markdownTable(out.rows));
  // Per-run detail stays in the cache; the printed table is the summary.
  return { ...out, rows: out.rows.map(({ runs: _runs, ...r }) => r) };
}
