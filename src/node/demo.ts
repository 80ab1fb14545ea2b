/**
 * `sculpt demo`: what sculpt is for, in minutes on 2 CPU cores with no downloads — the paper's
 * Figure 6 / Table 2 contrast on XY. Trains a plain AE and AE-MMD with a Gaussian and with a
 * Uniform prior (d = 2), two runs at a time in child processes (the wasm engine is single-threaded),
 * evaluates them, prints a small table and writes one HTML report.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { SculptError } from "../core/registry.js";
import { RUN_FILES, type RunStatus } from "./run-format.js";
import { writeFileAtomic } from "./atomic.js";

export interface DemoRun {
  name: string;
  label: string;
  args: string[];
}

// A lighter network than the paper's (channels 16-16-32-32 instead of 32-32-64-64) and batch 64,
// so the demo fits in minutes; `sculpt train` without these flags uses the paper's settings.
const COMMON = ["--dataset", "xy", "--latent", "2", "--batch", "64"];
export const DEMO_RUNS: DemoRun[] = [
  { name: "ae", label: "AE (no prior)", args: ["--model", "ae"] },
  { name: "ae-mmd-gaussian", label: "AE-MMD, Gaussian prior", args: ["--model", "ae-mmd", "--prior", "gaussian"] },
  { name: "ae-mmd-uniform", label: "AE-MMD, Uniform prior", args: ["--model", "ae-mmd", "--prior", "uniform(-1,1)"] },
];

export interface DemoOptions {
  out: string;
  epochs: number;
  /** Runs trained at once (default: 2, one per core). */
  parallel?: number;
  seed?: number;
  /** Extra `sculpt train` flags (tests use a tiny network). */
  trainArgs?: string[];
  onProgress?: (line: string) => void;
}

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/sculpt.js");

function runCli(args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    let buf = "";
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", rej);
    child.on("close", (code) =>
      code === 0 ? res() : rej(new SculptError(`sculpt ${args[0]} failed (exit ${code}): ${err.trim().split("\n").slice(-3).join(" ")}`)),
    );
  });
}

/** Train the demo runs (skipping finished ones), `parallel` at a time. Returns the run folders. */
export async function trainDemoRuns(o: DemoOptions): Promise<string[]> {
  mkdirSync(o.out, { recursive: true });
  const dirs = DEMO_RUNS.map((r) => join(o.out, r.name));
  const queue = DEMO_RUNS.map((r, i) => ({ r, dir: dirs[i] }));
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { r, dir } = job;
      const status = join(dir, RUN_FILES.status);
      if (existsSync(status) && (JSON.parse(readFileSync(status, "utf8")) as RunStatus).state === "done") {
        o.onProgress?.(`${r.name}: already trained`);
        continue;
      }
      const resume = existsSync(join(dir, RUN_FILES.config)) ? ["--resume"] : [];
      const args = resume.length
        ? ["train", "--out", dir, "--resume", "--json"]
        : [
            "train",
            ...COMMON,
            ...r.args,
            "--epochs",
            String(o.epochs),
            "--seed",
            String(o.seed ?? 0),
            ...(o.trainArgs ?? []),
            "--out",
            dir,
            "--json",
          ];
      await runCli(args, (line) => {
        try {
          const ev = JSON.parse(line) as { event?: string; epoch?: number; message?: string; "loss/total"?: number };
          if (ev.event === "epoch") o.onProgress?.(`${r.name}: epoch ${ev.epoch}/${o.epochs}, loss ${ev["loss/total"]?.toFixed(4)}`);
          if (ev.event === "warning") o.onProgress?.(`${r.name}: warning: ${ev.message}`);
        } catch {
          /* the final pretty-printed summary spans several lines */
        }
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.parallel ?? 2) }, worker));
  return dirs;
}

export interface DemoRow {
  name: string;
  label: string;
  values: Record<string, number | number[] | number[][]>;
  collapse: RunStatus["collapse"] | null;
}

/** The demo's table columns: metric key → header (every one computed by `sculpt eval`). */
export const DEMO_COLUMNS: [string, string][] = [
  ["nmse.db", "NMSE dB"],
  ["lps.gbdt", "LPS"],
  ["covariance.ratio", "cov ratio"],
  ["mig.score", "MIG"],
  ["dci.disentanglement", "DCI-D"],
  ["fidelity.ks.max", "KS max"],
];

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

/** Train, evaluate and report; returns the table rows and the report path. */
export async function runDemo(o: DemoOptions & { backend?: string }): Promise<{ rows: DemoRow[]; report: string; seconds: number }> {
  const { evaluateRun } = await import("./evaluate.js");
  const { writeReport } = await import("./report/index.js");
  const { loadRun } = await import("./run.js");
  const started = performance.now();
  const dirs = await trainDemoRuns(o);
  const rows: DemoRow[] = [];
  for (const [i, dir] of dirs.entries()) {
    o.onProgress?.(`${DEMO_RUNS[i].name}: evaluating`);
    const m = await evaluateRun(dir, { only: ["nmse", "lps", "covariance-ratio", "mig", "dci", "fidelity"], backend: o.backend });
    const status = JSON.parse(readFileSync(join(dir, RUN_FILES.status), "utf8")) as RunStatus;
    rows.push({ name: DEMO_RUNS[i].name, label: DEMO_RUNS[i].label, values: m.values, collapse: status.collapse ?? null });
  }
  o.onProgress?.("writing the report");
  const openRun = async (d: string) => loadRun(d, o.backend);
  for (const dir of dirs) await writeReport({ run: dir, openRun });
  const report = join(o.out, "report.html");
  writeFileAtomic(report, await demoReportHtml(rows, dirs, openRun));
  return { rows, report: resolve(report), seconds: (performance.now() - started) / 1000 };
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
          "LPS: mean R² of predicting each latent from the others (lower = more independent). KS max: largest Kolmogorov–Smirnov distance of a code marginal to its prior.",
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
