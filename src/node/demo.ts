/**
 * `sculpt demo`: what sculpt is for, in minutes on 2 CPU cores with no downloads — the paper's
 * Figure 6 / Table 2 contrast on XY. Trains a plain AE and AE-MMD with a Gaussian and with a
 * Uniform prior (d = 2) in the sweep's worker processes, evaluates them, prints a small table and writes one
 * HTML report. The plan (network width, runs at once) follows the backend: without the native
 * kernels a lighter network keeps the demo within minutes.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { METRICS, type MetricName } from "../core/metrics/index.js";
import { SculptError } from "../core/registry.js";
import { metricColumn } from "../core/sweep/metric-info.js";
import { RUN_FILES, type RunStatus } from "./run-format.js";
import { writeFileAtomic } from "./atomic.js";
import { ChildRunner, workerEnv } from "./sweep/child-runner.js";
import type { UserTrainConfig } from "./train.js";

export interface DemoRun {
  name: string;
  label: string;
  config: Pick<UserTrainConfig, "model" | "prior">;
}

export const DEMO_RUNS: DemoRun[] = [
  { name: "ae", label: "AE (no prior)", config: { model: "ae" } },
  { name: "ae-mmd-gaussian", label: "AE-MMD, Gaussian prior", config: { model: "ae-mmd", prior: "gaussian" } },
  { name: "ae-mmd-uniform", label: "AE-MMD, Uniform prior", config: { model: "ae-mmd", prior: "uniform(-1,1)" } },
];

/** How the demo trains on a backend. */
export interface DemoPlan {
  backend: string;
  epochs: number;
  /** Conv channels (encoder order); undefined: XY's preset, the paper's 32-32-64-64. */
  channels?: number[];
  /** Runs trained at once. */
  parallel: number;
  /**
   * Weight initialisation of all three runs. Glorot, not sculpt's default (PyTorch's): from
   * PyTorch's initialisation the codes start about 0.02 wide, and on XY at d = 2 AE-MMD's codes then
   * collapse to a point — in sculpt and in PyTorch alike (README, "Agreement with PyTorch").
   */
  init: "glorot";
}

/**
 * The paper's network where a fast backend (native oneDNN, TensorFlow, WebGPU) trains it in about
 * 10 s an epoch; on wasm or cpu, half the channels (16-16-32-32: about 3× less CPU per step on
 * wasm, and its codes still follow the priors in 10 epochs) and all three runs at once, since the
 * wasm engine is single-threaded and three processes keep both cores busy to the end.
 */
export function demoPlan(backend: string): DemoPlan {
  const slow = backend === "wasm" || backend === "cpu";
  return slow
    ? { backend, epochs: 10, channels: [16, 16, 32, 32], parallel: 3, init: "glorot" }
    : { backend, epochs: 10, parallel: 2, init: "glorot" };
}

/** The one line the demo prints about its plan. */
export function describePlan(p: DemoPlan): string {
  const net = p.channels
    ? `no native kernels: a lighter network (channels ${p.channels.join("-")})`
    : "the paper's network (channels 32-32-64-64)";
  return `backend ${p.backend}, ${net}, Glorot initialisation, ${p.parallel} run${p.parallel === 1 ? "" : "s"} at once, ${p.epochs} epochs`;
}

export interface DemoOptions {
  out: string;
  /** Epochs per run (default: the plan's). */
  epochs?: number;
  /** Runs trained at once (default: the plan's). */
  parallel?: number;
  seed?: number;
  /** Backend for training and evaluation (default: SCULPT_BACKEND, else auto). */
  backend?: string;
  /** Extra training settings (tests use a tiny network on a few images). */
  train?: Partial<UserTrainConfig>;
  onProgress?: (line: string) => void;
}

/**
 * Train the demo runs (skipping finished ones, resuming started ones), `parallel` at a time, each in
 * a worker process of the sweep's runner (with its share of the cores for OpenMP threads).
 * Returns the run folders.
 */
export async function trainDemoRuns(o: Pick<DemoOptions, "out" | "seed" | "train" | "onProgress"> & { plan: DemoPlan }): Promise<string[]> {
  mkdirSync(o.out, { recursive: true });
  const { epochs, backend } = o.plan;
  const parallel = Math.max(1, o.plan.parallel);
  const dirs = DEMO_RUNS.map((r) => join(o.out, r.name));
  const queue = DEMO_RUNS.map((r, i) => ({ r, dir: dirs[i] }));
  const runners: ChildRunner[] = [];
  const worker = async () => {
    let runner: ChildRunner | undefined;
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { r, dir } = job;
      const status = join(dir, RUN_FILES.status);
      if (existsSync(status) && (JSON.parse(readFileSync(status, "utf8")) as RunStatus).state === "done") {
        o.onProgress?.(`${r.name}: already trained`);
        continue;
      }
      const user: UserTrainConfig = {
        dataset: "xy",
        latentDim: 2,
        batchSize: 64,
        ...(o.plan.channels ? { channels: o.plan.channels } : {}),
        init: o.plan.init,
        ...r.config,
        epochs,
        seed: o.seed ?? 0,
        ...o.train,
      };
      const resume = existsSync(join(dir, RUN_FILES.config));
      if (!runner?.alive) runners.push((runner = new ChildRunner(workerEnv(parallel))));
      try {
        await runner.train(
          { dir, user, resume, backend },
          {
            onProgress: (epoch, _, loss) => o.onProgress?.(`${r.name}: epoch ${epoch}/${epochs}, loss ${loss?.toFixed(4)}`),
            onWarning: (message) => o.onProgress?.(`${r.name}: warning: ${message}`),
          },
        );
      } catch (e) {
        throw new SculptError(
          `training ${dir} failed: ${e instanceof Error ? e.message : String(e)}`,
          "rerun `sculpt demo` to resume, or see the run's status.json",
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    runners.forEach((r) => r.kill());
    await Promise.all(runners.map((r) => r.exit()));
  }
  return dirs;
}

export interface DemoRow {
  name: string;
  label: string;
  values: Record<string, number | number[] | number[][]>;
  collapse: RunStatus["collapse"] | null;
}

/** The metrics the demo evaluates, in table order. */
export const DEMO_METRICS: MetricName[] = ["nmse", "lps", "covariance-ratio", "mig", "dci", "fidelity"];

/** The demo's table columns: each metric's headline key → its column header (both from the metric registry). */
export const DEMO_COLUMNS: [string, string][] = DEMO_METRICS.map((m) => [METRICS[m].headline, metricColumn(METRICS[m].headline)]);

function demoCells(rows: DemoRow[]): { headers: string[]; cells: string[][] } {
  const headers = ["run", ...DEMO_COLUMNS.map(([, h]) => h), "codes"];
  const cells = rows.map((r) => [
    r.label,
    ...DEMO_COLUMNS.map(([k]) => (typeof r.values[k] === "number" ? (r.values[k] as number).toFixed(3) : "–")),
    r.collapse ? `collapsed (epoch ${r.collapse.epoch})` : "ok",
  ]);
  return { headers, cells };
}

export function demoTable(rows: DemoRow[]): string {
  const { headers, cells } = demoCells(rows);
  const widths = headers.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const line = (c: string[]) => c.map((v, j) => (j === 0 ? v.padEnd(widths[j]) : v.padStart(widths[j]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** Train, evaluate and report; returns the table rows, the report path and the plan it followed. */
export async function runDemo(o: DemoOptions): Promise<{ rows: DemoRow[]; report: string; seconds: number; plan: DemoPlan }> {
  const { initBackend } = await import("./backend.js");
  const { evaluateRun } = await import("./evaluate.js");
  const { writeReport } = await import("./report/index.js");
  const { loadRun } = await import("./run.js");
  const started = performance.now();
  // The backend this process gets is the one the children are told to use, so the plan fits them.
  const backend = (await initBackend(o.backend)).name;
  const planned = demoPlan(backend);
  const plan = { ...planned, epochs: o.epochs ?? planned.epochs, parallel: o.parallel ?? planned.parallel };
  o.onProgress?.(`plan: ${describePlan(plan)}`);
  const dirs = await trainDemoRuns({ ...o, plan });
  const rows: DemoRow[] = [];
  for (const [i, dir] of dirs.entries()) {
    o.onProgress?.(`${DEMO_RUNS[i].name}: evaluating`);
    const m = await evaluateRun(dir, { only: DEMO_METRICS, backend });
    const status = JSON.parse(readFileSync(join(dir, RUN_FILES.status), "utf8")) as RunStatus;
    rows.push({ name: DEMO_RUNS[i].name, label: DEMO_RUNS[i].label, values: m.values, collapse: status.collapse ?? null });
  }
  o.onProgress?.("writing the report");
  const openRun = async (d: string) => loadRun(d, backend);
  for (const dir of dirs) await writeReport({ run: dir, openRun });
  const report = join(o.out, "report.html");
  writeFileAtomic(report, await demoReportHtml(rows, dirs, openRun));
  return { rows, report: resolve(report), seconds: (performance.now() - started) / 1000, plan };
}

/**
 * One page: the comparison table, then each run's marginals against its prior, reconstructions and
 * traversals (the run reports' sections; each run also keeps its own full report.html).
 */
async function demoReportHtml(
  rows: DemoRow[],
  dirs: string[],
  openRun: (d: string) => Promise<import("./run.js").LoadedRun>,
): Promise<string> {
  const { page, table, note, runReportSections } = await import("./report/index.js");
  const { headers, cells } = demoCells(rows);
  const sections = [
    {
      id: "summary",
      title: "Summary",
      body:
        table(headers, cells) +
        note(
          "LPS: mean R² of predicting each latent from the others (lower = more independent). KS max: largest Kolmogorov–Smirnov distance of a code marginal to its prior (– for the AE: it has no prior).",
        ) +
        note(`Full per-run reports: ${DEMO_RUNS.map((r) => `${r.name}/report.html`).join(", ")}.`),
    },
  ];
  for (const [i, dir] of dirs.entries()) {
    const name = DEMO_RUNS[i].name;
    const built = await runReportSections(dir, { openRun, idPrefix: `${name}-`, dataPreview: false });
    for (const s of built.sections.filter((s) => ["latents", "reconstructions", "traversals"].includes(s.id))) {
      sections.push({ id: `${name}-${s.id}`, title: `${DEMO_RUNS[i].label}: ${s.title.toLowerCase()}`, body: s.body });
    }
  }
  return page(
    "sculpt demo: AE vs AE-MMD on XY",
    "the paper's Figure 6 / Table 2 contrast: a prior shapes the aggregate posterior",
    sections,
  );
}
