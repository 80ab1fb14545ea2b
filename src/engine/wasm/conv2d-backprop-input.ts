/**
 * A fast Conv2DBackpropInput (conv input gradient, conv2dTranspose) for the wasm backend, by phase
 * (sub-pixel) decomposition into stride-1 convolutions on the wasm Conv2D kernel (XNNPACK). The
 * built-in kernel is a scalar loop (~1–2 GFLOP/s).
 *
 * Along one axis, with stride s, filter size k, leading pad `top` and M = ⌈k/s⌉: write
 * h + top = s·u + v (0 ≤ v < s). Then
 *   dx[h] = Σ_{m<M} dy[u − m] · f[s·m + v]        (f = 0 past k),
 * so every phase v reads the same M-tap window of dy that ends at u, and one stride-1
 * convolution of dy with the filter G[t, ·, o, (v, c)] = f[s·(M−1−t) + v, ·, c, o] yields, at
 * block u, all s phases of dx as channels. Columns always go this way; the grid it gives starts
 * `offset` columns left of dx and is cropped. No tap is computed twice or wasted, unlike padding
 * every phase to the union of their windows. Rows go one of two ways:
 *  - one convolution with the row phases among the channels too, then a transpose
 *    [N, U, V, sh, sw·Ci] -> [N, U, sh, V, sw·Ci] and a crop: used when a row's sw·Ci channels
 *    would not fill an XNNPACK tile (e.g. a transposed conv to one channel);
 *  - one convolution per row phase, each over exactly the blocks that phase needs (no border
 *    block), whose output rows already are dx rows: copied into place, no transpose.
 */
import * as tf from "../../core/tf.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { backpropConvInfo, free, heapF32, offsetF32, runKernel, TILE, view, window, zeros, type ConvInfo, type Info } from "./heap.js";

/** The phase convolution along one axis: taps, its pads, blocks it yields, and where dx starts. */
interface AxisPlan {
  taps: number;
  padBefore: number;
  padAfter: number;
  blocks: number;
  offset: number;
}

/** For an input axis of `size`, a dy axis of `outSize`, filter `k`, stride `s`, leading pad `before`. */
function planAxis(size: number, outSize: number, k: number, s: number, before: number): AxisPlan {
  const taps = Math.ceil(k / s);
  // Blocks u cover dx rows s·u + v − before; the first needed is ⌊before/s⌋, the last ⌊(size−1+before)/s⌋.
  // A pad that would be negative is clamped to 0: the extra blocks are cropped away with the rest.
  const padBefore = Math.max(0, taps - 1 - Math.floor(before / s));
  const firstBlock = taps - 1 - padBefore;
  const needed = Math.floor((size - 1 + before) / s) - firstBlock + 1;
  const padAfter = Math.max(0, needed - outSize - padBefore + taps - 1);
  const blocks = outSize + padBefore + padAfter - taps + 1;
  return { taps, padBefore, padAfter, blocks, offset: before - s * firstBlock };
}

/**
 * G [mh, mw, Co, phases·sw·Ci] from f [kh, kw, Ci, Co]: G[t, u, o, (i, vw, c)] =
 * f[sh·(mh−1−t) + rowPhases[i], sw·(mw−1−u) + vw, c, o] (zero past the filter's edge).
 */
function phaseFilter(backend: BackendWasm, filter: Info, sh: number, rowPhases: number[], mh: number, sw: number, mw: number): Info {
  const [kh, kw, ci, co] = filter.shape;
  const out = backend.makeOutput([mh, mw, co, rowPhases.length * sw * ci], "float32");
  const heap = heapF32(backend);
  const f = offsetF32(backend, filter);
  let g = offsetF32(backend, out);
  for (let th = 0; th < mh; th++) {
    for (let tw = 0; tw < mw; tw++) {
      for (let o = 0; o < co; o++) {
        for (const vh of rowPhases) {
          const p = sh * (mh - 1 - th) + vh;
          for (let vw = 0; vw < sw; vw++, g += ci) {
            const q = sw * (mw - 1 - tw) + vw;
            if (p >= kh || q >= kw) {
              heap.fill(0, g, g + ci);
              continue;
            }
            const base = f + (p * kw + q) * ci * co + o;
            for (let c = 0; c < ci; c++) heap[g + c] = heap[base + c * co];
          }
        }
      }
    }
  }
  return out;
}

/** The stride-1 convolution of dy with G, padded per the row and column plans. */
function phaseConv(backend: BackendWasm, dy: Info, g: Info, rows: AxisPlan, cols: AxisPlan): Info {
  return runKernel(
    "Conv2D",
    backend,
    { x: dy, filter: g },
    {
      strides: 1,
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
      dataFormat: "NHWC",
      dilations: 1,
    },
  );
}

let builtin: tf.KernelConfig | undefined;
const builtinReady = new WeakSet<object>();

/** Keep the backend's own kernel for what the phase form does not cover (NCHW). */
export function keepBuiltinConv2dBackpropInput(config: tf.KernelConfig): void {
  builtin = config;
}

/** The wasm backend's own Conv2DBackpropInput, set up for `backend` (a fallback, and the benchmark's reference). */
export function builtinConv2dBackpropInput(backend: BackendWasm): tf.KernelFunc | undefined {
  if (!builtin) return undefined;
  if (!builtinReady.has(backend)) {
    // Its setup (binding the C function) never ran if it was replaced before the backend started.
    builtin.setupFunc?.(backend as unknown as tf.KernelBackend);
    builtinReady.add(backend);
  }
  return builtin.kernelFunc;
}

function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as unknown as { dy: Info; filter: Info };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const { inputShape } = attrs;
  const info = backpropConvInfo(inputShape, filter.shape, attrs);
  if (info.dataFormat !== "channelsLast") {
    const fallback = builtinConv2dBackpropInput(backend);
    if (!fallback) throw new Error(`wasm Conv2DBackpropInput supports dataFormat 'NHWC' only, got '${attrs.dataFormat}'`);
    return fallback(args as Parameters<tf.KernelFunc>[0]) as Info;
  }
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  if (n * h * w * ci === 0 || ho * wo === 0) return zeros(backend, inputShape);

  const cols = planAxis(w, wo, kw, sw, info.padInfo.left);
  return sh > 1 && sw * ci >= TILE
    ? perRowPhase(backend, dy, filter, info, cols)
    : allPhases(backend, dy, filter, info, planAxis(h, ho, kh, sh, info.padInfo.top), cols);
}

function allPhases(backend: BackendWasm, dy: Info, filter: Info, info: ConvInfo, rows: AxisPlan, cols: AxisPlan): Info {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, strideHeight: sh, strideWidth: sw } = info;
  const phases = Array.from({ length: sh }, (_, v) => v);
  const g = phaseFilter(backend, filter, sh, phases, rows.taps, sw, cols.taps);
  const z = phaseConv(backend, dy, g, rows, cols); // [N, U, V, sh·sw·Ci]
  free(backend, g);
  const { blocks: u, offset: offH } = rows;
  const { blocks: v, offset: offW } = cols;
  // [N·U, V, sh, sw·Ci] -> [N·U, sh, V, sw·Ci] = [N, U·sh, V·sw, Ci]; with sh = 1 it already is.
  const grid = sh === 1 ? z : runKernel("Transpose", backend, { x: view(z, [n * u, v, sh, sw * ci]) }, { perm: [0, 2, 1, 3] });
  if (grid !== z) free(backend, z);
  if (offH === 0 && offW === 0 && u * sh === h && v * sw === w) return view(grid, [n, h, w, ci]);
  const dx = window(backend, view(grid, [n, u * sh, v * sw, ci]), offH, offW, h, w);
  free(backend, grid);
  return dx;
}

function perRowPhase(backend: BackendWasm, dy: Info, filter: Info, info: ConvInfo, cols: AxisPlan): Info {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, filterHeight: kh, strideHeight: sh } = info;
  const top = info.padInfo.top;
  const rowLen = cols.blocks * info.strideWidth * ci;
  const dx = backend.makeOutput([n, h, w, ci], "float32");
  for (let vh = 0; vh < sh; vh++) {
    // This phase's dx rows are h = sh·u + vh − top for u in [first, last]; per row, taps f[sh·m + vh].
    const first = Math.ceil((top - vh) / sh);
    const last = Math.floor((h - 1 + top - vh) / sh);
    const taps = Math.ceil((kh - vh) / sh);
    if (last < first) continue;
    if (taps <= 0) {
      zeroRows(backend, dx, first, last, vh, info); // no filter row reaches this phase (stride > kernel)
      continue;
    }
    const rows = planAxis(last - first + 1, ho, taps, 1, first);
    const g = phaseFilter(backend, filter, sh, [vh], taps, info.strideWidth, cols.taps);
    const z = phaseConv(backend, dy, g, rows, cols); // [N, U, V, sw·Ci]
    free(backend, g);
    const heap = heapF32(backend);
    const src = offsetF32(backend, z) + cols.offset * ci;
    const dst = offsetF32(backend, dx);
    for (let b = 0; b < n; b++) {
      for (let u = first; u <= last; u++) {
        const s = src + (b * rows.blocks + u - first + rows.offset) * rowLen;
        heap.copyWithin(dst + (b * h + sh * u + vh - top) * w * ci, s, s + w * ci);
      }
    }
    free(backend, z);
  }
  return dx;
}

function zeroRows(backend: BackendWasm, dx: Info, first: number, last: number, vh: number, info: ConvInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, strideHeight: sh } = info;
  const heap = heapF32(backend);
  const dst = offsetF32(backend, dx);
  for (let b = 0; b < n; b++) {
    for (let u = first; u <= last; u++) {
      const d = dst + (b * h + sh * u + vh - info.padInfo.top) * w * ci;
      heap.fill(0, d, d + w * ci);
    }
  }
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as tf.KernelFunc,
};
