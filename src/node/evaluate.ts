/**
 * Evaluate a run folder: every metric that applies (factor metrics only when the data set has
 * factors; marginal fidelity only for models pushed toward a prior), written to metrics.json.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { evaluationSubset } from "../core/data/split.js";
import { factorLookup } from "../core/data/factor-lookup.js";
import { METRICS, type Interventions, type MetricName } from "../core/metrics/index.js";
import { modelPrior } from "../core/models/index.js";
import { writeJsonAtomic } from "./atomic.js";
import { loadDataset } from "./data/index.js";
import { evaluateAllParallel, readFactors } from "./metrics/index.js";
import { readMatrix } from "./npy-file.js";
import { loadRun } from "./run.js";
import { RUN_FILES } from "./run-format.js";

export interface RunMetrics {
  values: Record<string, number | number[] | number[][]>;
  skipped: Record<string, string>;
  seconds: Record<string, number>;
}

/** Images reconstructed for NMSE (a seeded evaluation subset; NMSE is a ratio of sums). */
const NMSE_ROWS = 512;

/** Metrics that draw new images through the encoder (BetaVAE, FactorVAE scores). */
const INTERVENTION_METRICS = (Object.keys(METRICS) as MetricName[]).filter((n) => METRICS[n].needs.interventions);

const COSTLY =
  "not run unless named: about 2.9 million encoder passes at disentanglement_lib's sizes (sculpt eval --only " +
  INTERVENTION_METRICS.join(",") +
  ")";

/**
 * The run's encoder on images drawn for given factor classes, from the whole data set (the train
 * split of a synthetic set is its full grid), or why the set cannot offer it (not a full grid).
 * @example
 * const { source } = await runInterventions(await loadRun(dir)); await betaVaeScore(source!, { train: 1000, eval: 500 });
 */
export async function runInterventions(run: Awaited<ReturnType<typeof loadRun>>): Promise<{ source?: Interventions; reason?: string }> {
  const { limit: _limit, ...datasetOptions } = run.config.datasetOptions ?? {};
  const all = await loadDataset(run.config.dataset, { ...datasetOptions, split: "train" });
  const found = factorLookup(all);
  if ("reason" in found) return { reason: found.reason };
  return { source: { sizes: all.factors!.sizes, encode: (classes, n) => run.encode(all.images(found.lookup(classes, n)), n) } };
}

export async function evaluateRun(
  dir: string,
  options: {
    only?: MetricName[];
    backend?: string;
    onMetric?: (name: string) => void;
    /** Called with the run's data set before it is opened (the CLI's --download fetches it there). */
    prepareData?: (dataset: string, datasetOptions: { root?: string }) => Promise<void>;
  } = {},
): Promise<RunMetrics> {
  const run = await loadRun(dir, options.backend);
  try {
    await options.prepareData?.(run.config.dataset, run.config.datasetOptions ?? {});
    const latents = readMatrix(join(dir, RUN_FILES.latents));
    const factorsPath = join(dir, RUN_FILES.factors);
    const data = await loadDataset(run.config.dataset, { ...run.config.datasetOptions, split: "test" });
    const factors = existsSync(factorsPath) ? readFactors(factorsPath, data.factors?.names) : undefined;
    const idx = evaluationSubset(data.size, Math.min(NMSE_ROWS, run.config.evalLimit));
    const images = data.images(idx);
    const reconstructions = await run.decode(await run.encode(images, idx.length));
    // The intervention metrics run only when asked for by name: they encode millions of new images.
    const wanted = options.only?.some((n) => INTERVENTION_METRICS.includes(n)) ?? false;
    const gen = wanted ? await runInterventions(run) : {};
    const result = await evaluateAllParallel(
      {
        latents,
        factors,
        images,
        reconstructions,
        // Fidelity against the prior the model pushes toward (the VAE family's N(0, I) too); none for AE.
        prior: modelPrior(run.config.model.kind, run.config.prior) === null ? undefined : run.prior,
        interventions: gen.source,
        seed: run.config.seed,
      },
      { only: options.only, onMetric: options.onMetric },
    );
    for (const name of INTERVENTION_METRICS) {
      if (result.skipped[name]) result.skipped[name] = wanted ? (gen.reason ?? result.skipped[name]) : COSTLY;
    }
    const out: RunMetrics = {
      values: result.values,
      skipped: result.skipped as Record<string, string>,
      seconds: result.seconds as Record<string, number>,
    };
    writeJsonAtomic(join(dir, RUN_FILES.metrics), out);
    return out;
  } finally {
    run.dispose();
  }
}
