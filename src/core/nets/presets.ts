/**
 * Per-data-set defaults (paper Table 3 and Appendix A.1): conv depth, latent size, the paper's
 * epoch budget and the full training split's size (the quick budget is counted in images).
 * Data sets not listed get a depth from their image size and d = 10.
 */
export interface DatasetPreset {
  convLayers: number;
  latentDim: number;
  /** Paper A.1 epoch budget. */
  paperEpochs: number;
  channels?: number[];
  /** Images in the full training split (checked against the loaders in presets.test.ts). */
  trainSize?: number;
}

export const DATASET_PRESETS: Record<string, DatasetPreset> = {
  xy: { convLayers: 4, latentDim: 2, paperEpochs: 500, trainSize: 2_809 },
  xyc: { convLayers: 4, latentDim: 3, paperEpochs: 250, trainSize: 14_045 },
  xycs: { convLayers: 4, latentDim: 4, paperEpochs: 125, trainSize: 42_135 },
  dsprites: { convLayers: 4, latentDim: 5, paperEpochs: 50, trainSize: 737_280 },
  mnist: { convLayers: 2, latentDim: 12, paperEpochs: 250, channels: [32, 64], trainSize: 60_000 },
  "fashion-mnist": { convLayers: 2, latentDim: 12, paperEpochs: 250, channels: [32, 64], trainSize: 60_000 },
  cifar10: { convLayers: 2, latentDim: 64, paperEpochs: 250, channels: [64, 128], trainSize: 50_000 },
  "tiny-imagenet": { convLayers: 4, latentDim: 64, paperEpochs: 75, channels: [64, 64, 128, 128], trainSize: 100_000 },
};

/** Images the quick budget trains on: 512 steps at batch 64, a few minutes on 2 cores at 84×84. */
export const QUICK_IMAGES = 32_768;

/** What a budget sets: epochs (may be fractional) and, for small budgets, a smaller batch. */
export interface Budget {
  epochs: number;
  batchSize?: number;
}

/**
 * Named budgets: `paper` is Appendix A.1's (epochs above, batch 512); `quick` sees QUICK_IMAGES
 * images at batch 64 — more, smaller steps make the most of a small budget (measured on XY: codes
 * follow the prior after it; at batch 512 the same images are only 64 steps) — capped at a tenth
 * of the paper's epochs; `smoke` is one epoch, for tests.
 */
export const BUDGETS = {
  paper: (p: DatasetPreset): Budget => ({ epochs: p.paperEpochs }),
  quick: (p: DatasetPreset): Budget => {
    const tenth = p.paperEpochs / 10;
    const epochs = p.trainSize === undefined ? tenth : Math.min(tenth, QUICK_IMAGES / p.trainSize);
    return { epochs: Number(epochs.toPrecision(3)), batchSize: 64 };
  },
  smoke: (): Budget => ({ epochs: 1 }),
} satisfies Record<string, (p: DatasetPreset) => Budget>;

export type BudgetName = keyof typeof BUDGETS;

export function presetFor(dataset: string, shape: readonly [number, number, number]): DatasetPreset {
  const known = DATASET_PRESETS[dataset];
  if (known) return known;
  const convLayers = Math.max(1, Math.min(4, Math.floor(Math.log2(Math.min(shape[0], shape[1]) / 4))));
  return { convLayers, latentDim: 10, paperEpochs: 100 };
}
