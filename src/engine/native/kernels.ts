/**
 * The kernels the `native` backend runs in the addon instead of tfjs-backend-cpu's JavaScript:
 * Conv2D and its two gradients, FusedConv2D (bias and activation fused by oneDNN), BatchMatMul and
 * _FusedMatMul, the common elementwise ops on float32 tensors (large ones, and every broadcast:
 * no per-element index arithmetic), and Sum and Mean over any run of adjacent axes. Each reads the cpu backend's plain Float32Arrays, so tensors never move. Anything
 * the addon does not cover (prelu, odd broadcasts, non-float32) goes to the cpu kernel of the same
 * name; `nativeStats.fallbacks` counts those, so tests can tell a native result from a fallback.
 */
import * as tf from "../../core/tf.js";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { NativeBackend } from "./backend.js";
import { ACTIVATION_CODES, BINARY_CODES, ConvKind, NATIVE_MIN_ELEMENTS, UNARY_CODES, type NativeAddon } from "./addon.js";

type Args = Parameters<tf.KernelFunc>[0];
type Shape4 = [number, number, number, number];

/** Calls the addon ran, and calls that went to the cpu kernel instead, per kernel name (tests read this). */
export const nativeStats = { calls: {} as Record<string, number>, fallbacks: {} as Record<string, number> };

/** The named inputs of a kernel call (tfjs types them as possibly missing). */
function inputs<K extends string>(args: Args, ..._names: K[]): Record<K, tf.TensorInfo> {
  return args.inputs as Record<K, tf.TensorInfo>;
}

function floats(backend: MathBackendCPU, t: tf.TensorInfo | undefined): Float32Array | null {
  if (!t || t.dtype !== "float32") return null;
  const v = backend.data.get(t.dataId).values;
  if (v instanceof Float32Array) return v;
  // A float32 tensor cast from bool or int32 shares that array (tfjs-backend-cpu's Cast): copy it.
  return ArrayBuffer.isView(v) ? Float32Array.from(v as unknown as ArrayLike<number>) : null;
}

/** Output memory for a kernel that writes every element (recycled; see backend.ts). */
function output(backend: MathBackendCPU, n: number): Float32Array {
  return backend instanceof NativeBackend ? backend.alloc(n) : new Float32Array(n);
}

/** Addon geometry for a tfjs conv. The right/bottom pads are derived from the output size, since
 *  tfjs (like the cpu kernels) lets the output size decide and oneDNN insists they agree. */
function geometry(c: tf.backend_util.Conv2DInfo): Int32Array {
  const padBottom = (c.outHeight - 1) * c.strideHeight + c.effectiveFilterHeight - c.inHeight - c.padInfo.top;
  const padRight = (c.outWidth - 1) * c.strideWidth + c.effectiveFilterWidth - c.inWidth - c.padInfo.left;
  return Int32Array.from([
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    c.padInfo.top,
    c.padInfo.left,
    padBottom,
    padRight,
    c.dataFormat === "channelsFirst" ? 1 : 0,
  ]);
}

function convInfo(
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: tf.NamedAttrMap,
  dilations: number | [number, number] = 1,
): tf.backend_util.Conv2DInfo {
  const a = attrs as unknown as tf.Conv2DAttrs;
  return tf.backend_util.computeConv2DInfo(
    inShape as Shape4,
    filterShape as Shape4,
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(a.dataFormat),
  );
}

/** A kernel that tries the addon and otherwise runs the cpu kernel registered under the same name. */
function withFallback(name: string, run: (args: Args) => tf.TensorInfo | null): tf.KernelConfig {
  const cpu = tf.getKernel(name, "cpu");
  if (!cpu) throw new Error(`tfjs-backend-cpu has no ${name} kernel to fall back on`);
  return {
    kernelName: name,
    backendName: "native",
    kernelFunc: (args) => {
      const out = run(args);
      if (out) {
        nativeStats.calls[name] = (nativeStats.calls[name] ?? 0) + 1;
        return out;
      }
      nativeStats.fallbacks[name] = (nativeStats.fallbacks[name] ?? 0) + 1;
      return cpu.kernelFunc(args);
    },
  };
}

type ActivationName = keyof typeof ACTIVATION_CODES;

function activationCode(name: string | undefined | null): number | null {
  if (!name) return 0;
  return name in ACTIVATION_CODES ? ACTIVATION_CODES[name as ActivationName] : null;
}

/** A per-output-channel bias as oneDNN wants it, or null when the bias broadcasts otherwise. */
function channelBias(backend: MathBackendCPU, bias: tf.TensorInfo, channels: number, channelsLast: boolean): Float32Array | null {
  const v = floats(backend, bias);
  if (!v) return null;
  const size = tf.util.sizeFromShape(bias.shape);
  if (size === 1) return new Float32Array(channels).fill(v[0]);
  const perChannel = bias.shape.length === 1 || (channelsLast && bias.shape.slice(0, -1).every((d) => d === 1));
  return size === channels && perChannel ? v : null;
}

function convKernels(addon: NativeAddon): tf.KernelConfig[] {
  const conv2d = (args: Args, bias?: tf.TensorInfo, activation?: string, alpha = 0.2): tf.TensorInfo | null => {
    const backend = args.backend as MathBackendCPU;
    const { x, filter } = inputs(args, "x", "filter");
    const attrs = args.attrs as unknown as tf.Conv2DAttrs;
    const c = convInfo(x.shape, filter.shape, args.attrs!, attrs.dilations);
    const xv = floats(backend, x);
    const wv = floats(backend, filter);
    const act = activationCode(activation);
    const bv = bias ? channelBias(backend, bias, c.outChannels, c.dataFormat === "channelsLast") : null;
    if (!xv || !wv || act === null || (bias && !bv) || tf.util.sizeFromShape(c.outShape) === 0) return null;
    const out = output(backend, tf.util.sizeFromShape(c.outShape));
    addon.conv(ConvKind.forward, geometry(c), xv, wv, out, bv, act, alpha);
    return backend.makeTensorInfo(c.outShape, "float32", out);
  };
  return [
    withFallback(tf.Conv2D, (args) => conv2d(args)),
    withFallback(tf.FusedConv2D, (args) => {
      const a = args.attrs as unknown as tf.FusedConv2DAttrs;
      return conv2d(args, args.inputs.bias, a.activation, a.leakyreluAlpha);
    }),
    withFallback(tf.Conv2DBackpropInput, (args) => {
      const backend = args.backend as MathBackendCPU;
      const { dy, filter } = inputs(args, "dy", "filter");
      const inputShape = (args.attrs as unknown as tf.Conv2DBackpropInputAttrs).inputShape;
      const c = convInfo(inputShape, filter.shape, args.attrs!);
      const dyv = floats(backend, dy);
      const wv = floats(backend, filter);
      if (!dyv || !wv || tf.util.sizeFromShape(inputShape) === 0) return null;
      const out = output(backend, tf.util.sizeFromShape(inputShape));
      addon.conv(ConvKind.backwardData, geometry(c), dyv, wv, out);
      return backend.makeTensorInfo(inputShape, "float32", out);
    }),
    withFallback(tf.Conv2DBackpropFilter, (args) => {
      const backend = args.backend as MathBackendCPU;
      const { x, dy } = inputs(args, "x", "dy");
      const filterShape = (args.attrs as unknown as tf.Conv2DBackpropFilterAttrs).filterShape;
      const c = convInfo(x.shape, filterShape, args.attrs!);
      const xv = floats(backend, x);
      const dyv = floats(backend, dy);
      if (!xv || !dyv || tf.util.sizeFromShape(filterShape) === 0) return null;
      const out = output(backend, tf.util.sizeFromShape(filterShape));
      addon.conv(ConvKind.backwardWeights, geometry(c), xv, dyv, out);
      return backend.makeTensorInfo(filterShape, "float32", out);
    }),
  ];
}

function matmulKernels(addon: NativeAddon): tf.KernelConfig[] {
  const matmul = (args: Args, bias?: tf.TensorInfo, activation?: string, alpha = 0.2): tf.TensorInfo | null => {
    const backend = args.backend as MathBackendCPU;
    const { a, b } = inputs(args, "a", "b");
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const av = floats(backend, a);
    const bv = floats(backend, b);
    const act = activationCode(activation);
    // Shape errors and uncommon batch broadcasts are left to the cpu kernel (it reports them).
    if (!av || !bv || act === null || k !== kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return null;
    let outShape: number[];
    try {
      outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)).concat([m, n]);
    } catch {
      return null;
    }
    const size = tf.util.sizeFromShape(outShape);
    let biasValues: Float32Array | null = null;
    if (bias) {
      biasValues = floats(backend, bias);
      // The addon adds a bias of n values to every row, of m·n values to every product, or a full one.
      const biasSize = tf.util.sizeFromShape(bias.shape);
      const [bm, bn] = [bias.shape[bias.shape.length - 2] ?? 1, bias.shape[bias.shape.length - 1] ?? 1];
      const row = bn === n && biasSize === n;
      const matrix = bm === m && bn === n && biasSize === m * n;
      if (!biasValues || !(row || matrix || tf.util.arraysEqual(bias.shape, outShape))) return null;
    }
    if (size === 0 || k === 0) return null;
    const out = output(backend, size);
    addon.matmul(av, bv, out, batchA, batchB, m, n, k, transposeA, transposeB, biasValues, biasValues?.length ?? 0, act, alpha);
    return backend.makeTensorInfo(outShape, "float32", out);
  };
  return [
    withFallback(tf.BatchMatMul, (args) => matmul(args)),
    withFallback(tf._FusedMatMul, (args) => {
      const a = args.attrs as unknown as tf._FusedMatMulAttrs;
      return matmul(args, args.inputs.bias, a.activation, a.leakyreluAlpha);
    }),
  ];
}

/** A kernel that hands small or non-float32 work to the cpu kernel directly (not a fallback). */
function forLargeFloats(name: string, isLarge: (args: Args) => boolean, run: (args: Args) => tf.TensorInfo | null): tf.KernelConfig {
  const config = withFallback(name, run);
  const cpu = tf.getKernel(name, "cpu")!;
  return { ...config, kernelFunc: (args) => (isLarge(args) ? config.kernelFunc(args) : cpu.kernelFunc(args)) };
}

const allFloat = (args: Args) => Object.values(args.inputs).every((t) => t?.dtype === "float32");

/** The addon allows this many dims in a broadcast layout. */
const MAX_LAYOUT_RANK = 8;

/**
 * The addon's layout for a ∘ b broadcast to `out`: out's dims, adjacent ones merged where each
 * operand varies along both or along neither, then each operand's strides over those dims (0 where
 * it repeats). Null when more dims than the addon takes remain.
 */
export function broadcastLayout(aShape: readonly number[], bShape: readonly number[], out: readonly number[]): Int32Array | null {
  const r = out.length;
  const at = (shape: readonly number[], i: number) => shape[i - (r - shape.length)] ?? 1;
  // Each merged dim: its size and whether a and b vary along it.
  const dims: { size: number; a: boolean; b: boolean }[] = [];
  for (let i = 0; i < r; i++) {
    if (out[i] === 1) continue;
    const a = at(aShape, i) !== 1;
    const b = at(bShape, i) !== 1;
    const last = dims[dims.length - 1];
    if (last && last.a === a && last.b === b) last.size *= out[i];
    else dims.push({ size: out[i], a, b });
  }
  if (dims.length === 0) dims.push({ size: 1, a: true, b: true });
  if (dims.length > MAX_LAYOUT_RANK) return null;
  const strides = (varies: (d: (typeof dims)[number]) => boolean) => {
    const s = new Array<number>(dims.length).fill(0);
    let step = 1;
    for (let i = dims.length - 1; i >= 0; i--) {
      if (!varies(dims[i])) continue;
      s[i] = step;
      step *= dims[i].size;
    }
    return s;
  };
  return Int32Array.from([dims.length, ...dims.map((d) => d.size), ...strides((d) => d.a), ...strides((d) => d.b)]);
}

/** x as [pre, reduced, post] around its reduction axes, or null when those are not adjacent. */
function reductionView(x: tf.TensorInfo, axis: number | number[], keepDims: boolean) {
  const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((p, q) => p - q);
  if (axes.length === 0 || axes.some((d, i) => i > 0 && d !== axes[i - 1] + 1)) return null;
  // x as [pre, reduced, post]: each of the `pre` blocks is a sum over the leading axis of a
  // [reduced, post] matrix (post = 1: a sum along rows).
  const pre = tf.util.sizeFromShape(x.shape.slice(0, axes[0]));
  const count = tf.util.sizeFromShape(x.shape.slice(axes[0], axes[axes.length - 1] + 1));
  const post = tf.util.sizeFromShape(x.shape.slice(axes[axes.length - 1] + 1));
  let [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
  if (keepDims) outShape = tf.backend_util.expandShapeToKeepDim(outShape, axes);
  return { pre, count, post, outShape };
}

function elementwiseKernels(addon: NativeAddon): tf.KernelConfig[] {
  const size = (t: tf.TensorInfo | undefined) => tf.util.sizeFromShape(t!.shape);
  const binary = Object.entries(BINARY_CODES).map(([name, op]) =>
    forLargeFloats(
      name,
      (args) => {
        if (!allFloat(args)) return false;
        const { a, b } = args.inputs;
        const n = Math.max(size(a), size(b));
        // Same shapes and scalars are plain loops in JS too; other broadcasts are not.
        const plain = tf.util.arraysEqual(a!.shape, b!.shape) || size(a) === 1 || size(b) === 1;
        return n >= NATIVE_MIN_ELEMENTS || (!plain && n > 0);
      },
      (args) => {
        const backend = args.backend as MathBackendCPU;
        const { a, b } = inputs(args, "a", "b");
        let outShape: number[];
        try {
          outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
        } catch {
          return null; // the cpu kernel reports the shape error
        }
        const av = floats(backend, a);
        const bv = floats(backend, b);
        const layout = broadcastLayout(a.shape, b.shape, outShape);
        if (!av || !bv || !layout) return null;
        const out = output(backend, tf.util.sizeFromShape(outShape));
        addon.binary(op, av, bv, out, layout);
        return backend.makeTensorInfo(outShape, "float32", out);
      },
    ),
  );
  const unary = Object.entries(UNARY_CODES).map(([name, op]) =>
    forLargeFloats(
      name,
      (args) => allFloat(args) && size(args.inputs.x) >= NATIVE_MIN_ELEMENTS,
      (args) => {
        const backend = args.backend as MathBackendCPU;
        const { x } = inputs(args, "x");
        const xv = floats(backend, x);
        if (!xv) return null;
        const out = output(backend, xv.length);
        addon.unary(op, xv, out, (args.attrs?.alpha as number | undefined) ?? 0);
        return backend.makeTensorInfo(x.shape, "float32", out);
      },
    ),
  );
  // Sums and means over leading axes are bias gradients and batch means, over middle axes the
  // gradients of broadcasts; tfjs-backend-cpu transposes those first, and its Mean divides every
  // element before summing.
  const reduction = (name: string, mean: boolean) =>
    forLargeFloats(
      name,
      (args) => allFloat(args) && size(args.inputs.x) >= NATIVE_MIN_ELEMENTS,
      (args) => {
        const backend = args.backend as MathBackendCPU;
        const { x } = inputs(args, "x");
        const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
        const xv = floats(backend, x);
        const view = reductionView(x, axis, keepDims);
        if (!xv || !view) return null;
        const { pre, count, post } = view;
        const out = output(backend, pre * post);
        const scale = mean ? 1 / count : 1;
        // A sum to one value per block runs along the row (the addon's per-column sums are for many
        // columns); otherwise each block's columns are summed (one block when the axes lead).
        if (post === 1) addon.sumAxes(xv, out, pre, count, false, scale);
        else
          for (let b = 0; b < pre; b++)
            addon.sumAxes(
              xv.subarray(b * count * post, (b + 1) * count * post),
              out.subarray(b * post, (b + 1) * post),
              count,
              post,
              true,
              scale,
            );
        return backend.makeTensorInfo(view.outShape, "float32", out);
      },
    );
  return [...binary, ...unary, reduction(tf.Sum, false), reduction(tf.Mean, true)];
}

/** Every kernel the addon takes over, registered under backendName 'native'. */
export function nativeKernelConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return [...convKernels(addon), ...matmulKernels(addon), ...elementwiseKernels(addon)];
}
