/**
 * Coefficient of determination on held-out targets, as scikit-learn's `r2_score`
 * (REFERENCE §3.4): 1 − Σ(y−ŷ)² / Σ(y−ȳ)² with ȳ the mean of the true test targets. With
 * `force_finite` semantics: constant true targets give 1 if predicted exactly, else 0.
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    sse += (yTrue[i] - yPred[i]) ** 2;
    sst += (yTrue[i] - mean) ** 2;
  }
  if (sst === 0) return sse === 0 ? 1 : 0;
  return 1 - sse / sst;
}
