/**
 * The shape of sculpt's native addon (native/*.cc) as seen from TypeScript; its op codes are
 * ops.ts's table (native/ops.h is generated from it). Kept
 * separate from the loader (src/node/native.ts) so the kernels in this folder stay browser-safe:
 * they receive the addon object and never load files themselves.
 */

/**
 * Elementwise ops below this size stay in JavaScript, where a small same-shape loop costs less
 * than a native call (~5 us). Broadcasts go native from any size: tfjs-backend-cpu computes their
 * indices element by element (~25 ns each).
 */
export const NATIVE_MIN_ELEMENTS = 4096;

export { ConvKind, BINARY_CODES, UNARY_CODES, ACTIVATION_CODES } from "./ops.js";

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
  /**
   * out = a ∘ b elementwise. Without a layout, the shorter operand is a scalar or repeats along
   * leading axes; a layout is [rank, dims..., a strides..., b strides...] over out's (merged) dims,
   * stride 0 where an operand repeats, innermost strides 0 or 1 (see broadcastLayout).
   */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, layout?: Int32Array): void;
  /** out = f(x) elementwise (alpha: Step's value at x ≤ 0, LeakyRelu's slope). */
  unary(op: number, x: Float32Array, out: Float32Array, alpha?: number): void;
  /** x as [outer, inner]: sums over outer (out: inner values) or over inner (out: outer values), times scale (default 1). */
  sumAxes(x: Float32Array, out: Float32Array, outer: number, inner: number, overOuter: boolean, scale?: number): void;
  /** threads: OpenMP threads; activationLayout: 0 keeps NHWC for oneDNN, 1 lets it pick (benchmarks). */
  configure(options: { threads?: number; activationLayout?: number }): void;
  /** memoryBytes: the machine's physical memory (sizes the array pool). */
  info(): { onednn: string; threads: number; cachedPlans: number; memoryBytes: number };
}
