/**
 * The shape of sculpt's native addon (native/sculpt_native.cc) as seen from TypeScript. Kept
 * separate from the loader (src/node/native.ts) so the kernels in this folder stay browser-safe:
 * they receive the addon object and never load files themselves.
 */

/** oneDNN convolution directions, as the addon numbers them. */
export const ConvKind = { forward: 0, backwardData: 1, backwardWeights: 2 } as const;

/** Activation codes the addon fuses after a convolution or a matrix product. */
export const ACTIVATION_CODES = { linear: 0, relu: 1, relu6: 2, elu: 3, sigmoid: 4, leakyrelu: 5 } as const;

export interface NativeAddon {
  /**
   * One convolution. geom = [n, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW,
   * dilationH, dilationW, padTop, padLeft, padBottom, padRight, channelsFirst].
   * forward: a = x, b = filter (HWIO), out = y; backwardData: a = dy, b = filter, out = dx;
   * backwardWeights: a = x, b = dy, out = dfilter (HWIO).
   */
  conv(
    kind: number,
    geom: Int32Array,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    bias?: Float32Array | null,
    activation?: number,
    alpha?: number,
  ): void;
  /** The oneDNN implementation chosen for a convolution (e.g. "brgconv:avx512_core"). */
  convImpl(kind: number, geom: Int32Array): string;
  /**
   * out[i] = op(a[i])·op(b[i]) for i < max(batchA, batchB) (a batch of 1 broadcasts), plus an
   * optional bias of n (per column) or batch·m·n values, then an optional activation.
   */
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batchA: number,
    batchB: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    bias?: Float32Array | null,
    biasLength?: number,
    activation?: number,
    alpha?: number,
  ): void;
  /** threads: OpenMP threads; activationLayout: 0 keeps NHWC for oneDNN, 1 lets it pick (benchmarks). */
  configure(options: { threads?: number; activationLayout?: number }): void;
  info(): { onednn: string; threads: number; cachedPlans: number };
}
