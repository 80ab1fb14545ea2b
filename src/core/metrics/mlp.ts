/**
 * A one-hidden-layer ReLU regressor trained like scikit-learn's `MLPRegressor` defaults (the
 * LPS-mlp regressor, REFERENCE §4.2): 100 hidden units, Glorot-uniform init of weights and biases,
 * Adam (lr 1e-3, β 0.9/0.999, ε 1e-8), loss ½·mean squared error + ½·α·Σ‖W‖²/batch with α = 1e-4,
 * minibatches of min(200, n) over a reshuffled order each epoch, at most 200 epochs, and
 * scikit-learn's stopping rule (11 epochs whose training loss fails to improve by 1e-4).
 * Ported from scikit-learn `neural_network/_multilayer_perceptron.py`; changes: single output,
 * float64 typed arrays, our seeded Rng. Plain loops: for a few dozen inputs they beat tensors.
 */
import type { Rng } from "../random.js";
import { SculptError } from "../registry.js";

export interface MlpOptions {
  hidden: number;
  learningRate: number;
  /** L2 penalty α. */
  alpha: number;
  /** max_iter: epochs. */
  epochs: number;
  /** min(batchSize, n) rows per step. */
  batchSize: number;
  /** Stop after more than `noChangeEpochs` epochs without a loss improvement of `tol`. */
  tol: number;
  noChangeEpochs: number;
}

export const MLP_DEFAULTS: MlpOptions = {
  hidden: 100,
  learningRate: 1e-3,
  alpha: 1e-4,
  epochs: 200,
  batchSize: 200,
  tol: 1e-4,
  noChangeEpochs: 10,
};

export interface MlpModel {
  /** Predict rows of x (row-major, p columns). */
  predict(x: Float64Array): Float64Array;
  /** Training loss per epoch (includes the L2 term), as scikit-learn's loss_curve_. */
  lossCurve: number[];
}

/** Fit on x (n×p row-major) and targets y. */
export function fitMlp(x: Float64Array, y: ArrayLike<number>, p: number, rng: Rng, options: Partial<MlpOptions> = {}): MlpModel {
  const o = { ...MLP_DEFAULTS, ...options };
  const n = y.length;
  if (x.length !== n * p) throw new SculptError(`mlp: ${x.length} inputs for ${n} rows × ${p} columns`);
  if (n < 1 || p < 1) throw new SculptError("mlp needs at least one row and one input column");
  const H = o.hidden;
  // parameters: W1 [p, H], b1 [H], W2 [H], b2
  const nParams = p * H + H + H + 1;
  const theta = new Float64Array(nParams);
  const oB1 = p * H;
  const oW2 = oB1 + H;
  const oB2 = oW2 + H;
  const bound1 = Math.sqrt(6 / (p + H)); // Glorot uniform, as sklearn's _init_coef for relu/identity
  const bound2 = Math.sqrt(6 / (H + 1));
  for (let i = 0; i < oB1; i++) theta[i] = (2 * rng.uniform() - 1) * bound1;
  for (let i = oB1; i < oW2; i++) theta[i] = (2 * rng.uniform() - 1) * bound1;
  for (let i = oW2; i < oB2; i++) theta[i] = (2 * rng.uniform() - 1) * bound2;
  theta[oB2] = (2 * rng.uniform() - 1) * bound2;

  const grad = new Float64Array(nParams);
  const m = new Float64Array(nParams);
  const v = new Float64Array(nParams);
  const B = Math.min(o.batchSize, n);
  const act = new Float64Array(B * H);
  const delta2 = new Float64Array(B);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  let step = 0;
  let best = Infinity;
  let noImprove = 0;
  const lossCurve: number[] = [];

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let epochLoss = 0;
    for (let s = 0; s < n; s += B) {
      const bn = Math.min(B, n - s);
      epochLoss += batchGradient(x, y, order, s, bn, p, H, o.alpha, theta, grad, act, delta2) * bn;

      // Adam (sklearn _stochastic_optimizers.AdamOptimizer)
      step++;
      const lrT = (o.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (let i = 0; i < nParams; i++) {
        const g = grad[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        theta[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + eps);
      }
    }
    const loss = epochLoss / n;
    lossCurve.push(loss);
    if (!Number.isFinite(loss)) throw new SculptError("mlp training diverged (loss is not finite)", "standardise the inputs");
    // sklearn _update_no_improvement_count with early_stopping=False
    if (loss > best - o.tol) noImprove++;
    else noImprove = 0;
    if (loss < best) best = loss;
    if (noImprove > o.noChangeEpochs) break;
  }

  return {
    lossCurve,
    predict(xt: Float64Array): Float64Array {
      const rows = xt.length / p;
      const out = new Float64Array(rows);
      const a = new Float64Array(H);
      for (let r = 0; r < rows; r++) {
        for (let h = 0; h < H; h++) a[h] = theta[oB1 + h];
        for (let j = 0; j < p; j++) {
          const xv = xt[r * p + j];
          const w = j * H;
          for (let h = 0; h < H; h++) a[h] += xv * theta[w + h];
        }
        let o2 = theta[oB2];
        for (let h = 0; h < H; h++) if (a[h] > 0) o2 += a[h] * theta[oW2 + h];
        out[r] = o2;
      }
      return out;
    },
  };
}

/** Column means and standard deviations (ddof 0) of rows of x; a constant column gets scale 1 (sklearn StandardScaler). */
export function fitScaler(x: Float64Array, p: number): { mean: Float64Array; scale: Float64Array } {
  const n = x.length / p;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += x[i * p + j];
  for (let j = 0; j < p; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) scale[j] += (x[i * p + j] - mean[j]) ** 2;
  for (let j = 0; j < p; j++) {
    const s = Math.sqrt(scale[j] / n);
    scale[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  return { mean, scale };
}

export function applyScaler(x: Float64Array, p: number, s: { mean: Float64Array; scale: Float64Array }): void {
  for (let i = 0; i < x.length; i++) {
    const j = i % p;
    x[i] = (x[i] - s.mean[j]) / s.scale[j];
  }
}

/** Loss of one minibatch (rows order[s..s+bn)) and its gradient into `grad` (sklearn _backprop). */
function batchGradient(
  x: Float64Array,
  y: ArrayLike<number>,
  order: Int32Array,
  s: number,
  bn: number,
  p: number,
  H: number,
  alpha: number,
  theta: Float64Array,
  grad: Float64Array,
  act: Float64Array,
  delta2: Float64Array,
): number {
  const oB1 = p * H;
  const oW2 = oB1 + H;
  const oB2 = oW2 + H;
  // forward: act = relu(x W1 + b1) [bn, H]; out = act W2 + b2 [bn]
  let sq = 0;
  for (let r = 0; r < bn; r++) {
    const xr = order[s + r] * p;
    const a = r * H;
    for (let h = 0; h < H; h++) act[a + h] = theta[oB1 + h];
    for (let j = 0; j < p; j++) {
      const xv = x[xr + j];
      if (xv === 0) continue;
      const w = j * H;
      for (let h = 0; h < H; h++) act[a + h] += xv * theta[w + h];
    }
    let out = theta[oB2];
    for (let h = 0; h < H; h++) {
      if (act[a + h] < 0) act[a + h] = 0;
      out += act[a + h] * theta[oW2 + h];
    }
    const dlt = out - y[order[s + r]];
    delta2[r] = dlt;
    sq += dlt * dlt;
  }
  let l2 = 0;
  for (let i = 0; i < oB1; i++) l2 += theta[i] * theta[i];
  for (let i = oW2; i < oB2; i++) l2 += theta[i] * theta[i];
  const loss = sq / bn / 2 + (0.5 * alpha * l2) / bn;

  // backward: gradients of the batch loss (sklearn _backprop)
  grad.fill(0);
  for (let r = 0; r < bn; r++) {
    const xr = order[s + r] * p;
    const a = r * H;
    const d2 = delta2[r];
    grad[oB2] += d2;
    for (let h = 0; h < H; h++) {
      const av = act[a + h];
      grad[oW2 + h] += av * d2;
      // delta1 = d2·W2 ⊙ relu'(pre-activation)
      const d1 = av > 0 ? d2 * theta[oW2 + h] : 0;
      act[a + h] = d1; // reuse the buffer for delta1
    }
    for (let h = 0; h < H; h++) grad[oB1 + h] += act[a + h];
    for (let j = 0; j < p; j++) {
      const xv = x[xr + j];
      if (xv === 0) continue;
      const w = j * H;
      for (let h = 0; h < H; h++) grad[w + h] += xv * act[a + h];
    }
  }
  for (let i = 0; i < oB1; i++) grad[i] = (grad[i] + alpha * theta[i]) / bn;
  for (let i = oB1; i < oW2; i++) grad[i] /= bn;
  for (let i = oW2; i < oB2; i++) grad[i] = (grad[i] + alpha * theta[i]) / bn;
  grad[oB2] /= bn;
  return loss;
}
