/**
 * `npm run bench [-- NAME ...]`: runs the named benchmarks (all when none is named) and prints
 * one JSON object. Each benchmark is bench/<name>.ts exporting `run(): Promise<object>` and is one
 * line in BENCHMARKS. Speed targets are ratios against a reference run beside it, never absolute.
 */
type Bench = () => Promise<{ run: () => Promise<unknown> }>;

const BENCHMARKS: Record<string, Bench> = {
  browser: () => import("./browser.js"),
  conv: () => import("./conv.js"),
  data: () => import("./data.js"),
  lps: () => import("./lps.js"),
  metrics: () => import("./metrics.js"),
  native: () => import("./native.js"),
  parity: () => import("./parity.js"),
  plan: () => import("./plan.js"),
  train: () => import("./train.js"),
  "train-demo": () => import("./train-demo.js"),
  trajectory: () => import("./trajectory.js"),
};

async function main(): Promise<void> {
  // Benchmark names come first; options after them (`parity --models ae`) are the benchmark's own.
  const args = process.argv.slice(2);
  const first = args.findIndex((a) => a.startsWith("-"));
  const names = first < 0 ? args : args.slice(0, first);
  const chosen = names.length ? names : Object.keys(BENCHMARKS);
  const results: Record<string, unknown> = {};
  for (const name of chosen) {
    const load = BENCHMARKS[name];
    if (!load) {
      console.error(`unknown benchmark '${name}' (use one of: ${Object.keys(BENCHMARKS).join(", ")})`);
      process.exit(2);
    }
    results[name] = await (await load()).run();
  }
  process.stdout.write(JSON.stringify(results, null, 2) + "\n");
}

void main();
