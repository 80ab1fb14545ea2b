/**
 * `npm run bench -- plan`: CPU seconds (whole process, and planning alone after the modules have
 * loaded) and peak RSS of `sculpt sweep FILE --dry-run` (plan only, no ledger) for 1,000,000 runs,
 * beside a 100,000-run plan as the reference: linear planning keeps the per-run cost of both about
 * equal (ratio ≈ 1). Each size runs in its own process so its peak RSS
 * is its own. BENCH_PLAN_RUNS=N,M changes the sizes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A sweep of `runs` ae-mmd runs on XY: 100 λ × 10 latent sizes × runs/1000 seeds. */
export function sweepOfSize(runs: number): object {
  if (runs % 1000 !== 0) throw new Error("runs must be a multiple of 1000");
  return {
    name: `plan-${runs}`,
    seeds: runs / 1000,
    grid: {
      dataset: ["xy"],
      model: ["ae-mmd"],
      lambda: Array.from({ length: 100 }, (_, i) => (i + 1) / 100),
      latentDim: Array.from({ length: 10 }, (_, i) => i + 1),
    },
  };
}

// The child: plan the sweep through the CLI's own entry and print what it cost.
const CHILD = `
const { main } = await import("./src/cli/main.ts");
const loaded = process.cpuUsage();
const t0 = performance.now();
await main(["node", "sculpt", "sweep", process.env.PLAN_FILE, "--dry-run", "--json", "--out", process.env.PLAN_OUT]);
const cpu = process.cpuUsage();
const planned = process.cpuUsage(loaded);
console.error(JSON.stringify({ bench: {
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  planCpuSeconds: (planned.user + planned.system) / 1e6,
  wallSeconds: (performance.now() - t0) / 1000,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
} }));
`;

function planOnce(runs: number): Record<string, unknown> {
  const tmp = mkdtempSync(join(tmpdir(), "sculpt-bench-plan-"));
  try {
    const file = join(tmp, "sweep.json");
    writeFileSync(file, JSON.stringify(sweepOfSize(runs)));
    const out = join(tmp, "out");
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
      env: { ...process.env, PLAN_FILE: file, PLAN_OUT: out },
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    const line = r.stderr.split("\n").find((l) => l.startsWith('{"bench"'));
    if (r.status !== 0 || !line) throw new Error(`planning ${runs} runs failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    const summary = JSON.parse(r.stdout) as { total: number };
    const { bench } = JSON.parse(line) as { bench: { cpuSeconds: number; planCpuSeconds: number; wallSeconds: number; peakRssMB: number } };
    return {
      runs,
      planned: summary.total,
      ...bench,
      planCpuMicrosPerRun: (bench.planCpuSeconds / runs) * 1e6,
      ledgerWritten: existsSync(out),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function run(): Promise<object> {
  const [reference, target] = (process.env.BENCH_PLAN_RUNS ?? "100000,1000000").split(",").map(Number);
  const ref = planOnce(reference);
  const big = planOnce(target);
  return {
    reference: ref,
    target: big,
    // Linear planning: the same planning CPU per run at both sizes.
    perRunRatio: (big.planCpuMicrosPerRun as number) / (ref.planCpuMicrosPerRun as number),
  };
}
