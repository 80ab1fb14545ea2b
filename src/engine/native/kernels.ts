/**
 * The kernels the `native` backend runs in the addon instead of tfjs-backend-cpu's JavaScript:
 * Conv2D and its two gradients, FusedConv2D (bias and activation fused by oneDNN), BatchMatMul and
 * _FusedMatMul. Each reads the cpu backend's plain Float32Arrays, so tensors never move. Anything
 * the addon does not cover (prelu, odd broadcasts, non-float32) goes to the cpu kernel of the same
 * name; `nativeStats.fallbacks` counts those, so tests can tell a native result from a fallback.
 */
import * as tf from "../../core/tf.js";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { ACTIVATION_CODES, ConvKind, type NativeAddon } from "./addon.js";

type Args = Parameters<tf.KernelFunc>[0];
type Shape4 = [number, number, number, number];

/** Calls that went to the cpu kernel instead, per kernel name (tests read this). */
export const nativeStats = { fallbacks: {} as Record<string, number> };

/** The named inputs of a kernel call (tfjs types them as possibly missing). */
function inputs<K extends string>(args: Args, ..._names: K[]): Record<K, tf.TensorInfo> {
  return args.inputs as Record<K, tf.TensorInfo>;
}

function floats(backend: MathBackendCPU, t: tf.TensorInfo | undefined): Float32Array | null {
  if (!t || t.dtype !== "float32") return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
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
      if (out) return out;
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
    const out = new Float32Array(tf.util.sizeFromShape(c.outShape));
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
      const out = new Float32Array(tf.util.sizeFromShape(inputShape));
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
      const out = new Float32Array(tf.util.sizeFromShape(filterShape));
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
    const out = new Float32Array(size);
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

/** Every kernel the addon takes over, registered under backendName 'native'. */
export function nativeKernelConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return [...convKernels(addon), ...matmulKernels(addon)];
}
