/**
 * Which way is better for each metric key, and its column label: the one place tables look this up
 * (lower is better for LPS, NMSE and distances to the prior; higher for MIG, SAP, DCI and the
 * permutation test's p-value). A key without an entry is shown but never marked best.
 */
export type Direction = "lower" | "higher";

export const METRIC_INFO: Record<string, { label: string; better: Direction }> = {
  "lps.gbdt": { label: "LPS-gbdt", better: "lower" },
  "lps.mlp": { label: "LPS-mlp", better: "lower" },
  "nmse.db": { label: "NMSE (dB)", better: "lower" },
  "nmse.linear": { label: "NMSE", better: "lower" },
  "mig.score": { label: "MIG", better: "higher" },
  "mig.unnormalized": { label: "MI gap (nats)", better: "higher" },
  "sap.discrete": { label: "SAP", better: "higher" },
  "sap.continuous": { label: "SAP (continuous)", better: "higher" },
  "dci.disentanglement": { label: "DCI-D", better: "higher" },
  "dci.completeness": { label: "DCI-C", better: "higher" },
  "dci.informativeness": { label: "DCI-I (test acc.)", better: "higher" },
  "dci.informativenessTrain": { label: "DCI-I (train acc.)", better: "higher" },
  "dci-forest.disentanglement": { label: "DCI-forest D", better: "higher" },
  "dci-forest.completeness": { label: "DCI-forest C", better: "higher" },
  "dci-forest.nrmse": { label: "DCI-forest NRMSE", better: "lower" },
  // Σ|diagonal| / Σ|off-diagonal| of the codes' covariance: larger means less linear dependence.
  "covariance.ratio": { label: "Cov. ratio", better: "higher" },
  "fidelity.ks.max": { label: "KS max", better: "lower" },
  "fidelity.w1.mean": { label: "W1 mean", better: "lower" },
  "fidelity.mmd2": { label: "MMD²", better: "lower" },
  // High when the codes cannot be told apart from prior samples.
  "fidelity.pValue": { label: "MMD p-value", better: "higher" },
};

export function metricLabel(key: string): string {
  return METRIC_INFO[key]?.label ?? key;
}

export function metricDirection(key: string): Direction | undefined {
  return METRIC_INFO[key]?.better;
}
