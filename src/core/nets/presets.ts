/**
 * Per-data-set defaults (paper Table 3 and Appendix A.1): conv depth, latent size and the paper's
 * epoch budget. Data sets not listed get a depth from their image size and d = 10.
 */
export interface DatasetPreset {
  convLayers: number;
  latentDim: number;
  /** Paper A.1 epoch budget. */
  paperEpochs: number;
  channels?: number[];
}

export const DATASET_PRESETS: Record<string, DatasetPreset> = {
  xy: { convLayers: 4, latentDim: 2, paperEpochs: 500 },
  xyc: { convLayers: 4, latentDim: 3, paperEpochs: 250 },
  xycs: { convLayers: 4, latentDim: 4, paperEpochs: 125 },
  dsprites: { convLayers: 4, latentDim: 5, paperEpochs: 50 },
  mnist: { convLayers: 2, latentDim: 12, paperEpochs: 250, channels: [32, 64] },
  "fashion-mnist": { convLayers: 2, latentDim: 12, paperEpochs: 250, channels: [32, 64] },
  cifar10: { convLayers: 2, latentDim: 64, paperEpochs: 250, channels: [64, 128] },
  "tiny-imagenet": { convLayers: 4, latentDim: 64, paperEpochs: 75, channels: [64, 64, 128, 128] },
};

/** Named budgets: `paper` uses the table above; the others are for laptops and tests. */
export const BUDGETS = {
  paper: (p: DatasetPreset) => p.paperEpochs,
  // A tenth of the paper's budget, at least 5 epochs: enough for marginals to follow the prior on XY.
  quick: (p: DatasetPreset) => Math.max(5, Math.round(p.paperEpochs / 10)),
  smoke: () => 1,
} satisfies Record<string, (p: DatasetPreset) => number>;

export type BudgetName = keyof typeof BUDGETS;

export function presetFor(dataset: string, shape: readonly [number, number, number]): DatasetPreset {
  const known = DATASET_PRESETS[dataset];
  if (known) return known;
  const convLayers = Math.max(1, Math.min(4, Math.floor(Math.log2(Math.min(shape[0], shape[1]) / 4))));
  return { convLayers, latentDim: 10, paperEpochs: 100 };
}
