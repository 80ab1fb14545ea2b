/**
 * Conv2DBackpropFilter for the wasm backend (which has none). For x [N, H, W, Ci],
 * dy [N, Ho, Wo, Co], strides (sh, sw) and leading pads (top, left):
 *   dF[p, q, c, o] = Σ_{n,i,j} x[n, sh·i + p − top, sw·j + q − left, c] · dy[n, i, j, o].
 * Three forms; the cheapest by a cost estimate runs.
 *
 * "direct" (conv2d-backprop-filter-direct.ts): a wasm SIMD kernel of our own that multiplies x
 *   and dy in place. It runs wherever the backend's memory can be reached and the engine has
 *   wasm SIMD. Over 14 shapes measured (CPU time) it was at most a few % slower than the better
 *   of the forms below, and 2–6.5× faster where Ci or Co is small (the autoencoder's first
 *   layer: ~6×); they remain for engines where it cannot run.
 *
 * The other two are a stride-1 convolution on the wasm Conv2D kernel (XNNPACK). The sum over the
 * batch becomes the convolution's channel sum, so one operand must become the convolution's
 * filter, and XNNPACK repacks a filter on every call at a few ns per element: that, not the
 * arithmetic, is what costs when a layer has few FLOPs per element of dy (the first layer of a
 * net, Ci = 1).
 *
 * "dy as filter": x′ = x as [1, H, W·Ci, N] (batch moved innermost), dy′ = dy as [Ho, Wo, N, Co];
 *   dF[p, q·Ci + c, o] = Σ_{i,j,n} x′[p + sh·i − top, (q·Ci + c) + (sw·Ci)·j − left·Ci, n] · dy′[i, j, n, o],
 *   a convolution with dilations (sh, sw·Ci) and pads (top, left·Ci) whose [kh, kw·Ci, Co] output
 *   already is the filter layout. Where there is little arithmetic per dy element, output
 *   channels go 8 at a time (one XNNPACK register tile), as separate convolutions over slices of
 *   one buffer: packing a filter with 32 or 64 output channels and a power-of-two size is 3–10×
 *   slower per element than with 8 (measured here: ~3 ns vs 10–30 ns).
 *
 * "x as filter" (sub-pixel): with p = sh·a + vh (0 ≤ vh < sh) and the phase images
 *   X[t, u][vh, vw] = x[sh·t + vh − top, sw·u + vw − left], the sum is a stride-1 correlation
 *   dF[a, b][vh, vw] = Σ_{i,j} X[i + a, j + b][vh, vw] · dy[i, j], which is symmetric in its two
 *   operands: read as a convolution of dy′ = dy as [1, Ho, Wo·Co, N] (horizontal dilation Co)
 *   with the x phases as filter, zero-padded by A − 1 = ⌈k/s⌉ − 1, output position A−1−a holds
 *   shift a. Its filter is only as large as x. When that filter has few channels the column
 *   shifts b are moved into its channels instead (b ranges over Wo taps, not Wo + A − 1), so an
 *   XNNPACK tile of 8 output channels is full.
 *
 * A pad that would have to be negative (input rows no output reads) is clamped to 0 and the
 * extra output taps are dropped when the small result is assembled.
 */
import * as tf from "../../core/tf.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  alias,
  backpropConvInfo,
  copyRow,
  free,
  heapF32,
  offsetF32,
  releaseAlias,
  runKernel,
  TILE,
  view,
  zeros,
  type ConvInfo,
  type Info,
} from "./heap.js";
import { directAvailable, directFilterGrad, directPlan, type DirectOrientation } from "./conv2d-backprop-filter-direct.js";

/** Cost estimate (ns): packing one filter element, moving one element, one FLOP. */
const PACK_NS = 3;
const MOVE_NS = 1;
const FLOP_NS = 1 / 30;
/** FLOPs per dy element under which dy is split into TILE-channel filters. */
const SPLIT_BELOW = 256;

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

/** The forms, for tests that check each on shapes where the cost estimate picks another. */
export type FilterGradForm = "dy-as-filter" | "x-as-filter" | `direct-${DirectOrientation}`;

/** Every form that applies to this shape on this backend, with its cost estimate (ns). */
export function filterGradCosts(backend: BackendWasm, info: ConvInfo): Partial<Record<FilterGradForm, number>> {
  const costs: Partial<Record<FilterGradForm, number>> = { "dy-as-filter": dyAsFilterCost(info) };
  const phases = phasePlan(info);
  if (phases) costs["x-as-filter"] = phases.cost;
  if (directAvailable(backend)) {
    for (const orientation of ["x-rows", "dy-rows"] as const) {
      const plan = directPlan(info, orientation);
      if (plan) costs[`direct-${orientation}`] = plan.cost;
    }
  }
  return costs;
}

/** The form the cost estimate picks. */
export function pickFilterGradForm(backend: BackendWasm, info: ConvInfo): FilterGradForm {
  const costs = Object.entries(filterGradCosts(backend, info)) as [FilterGradForm, number][];
  return costs.reduce((best, c) => (c[1] < best[1] ? c : best))[0];
}

/**
 * The kernel; `force` pins a form where it applies (x-as-filter: sh·sw·Ci ≤ 8; direct: where
 * `directAvailable`, and direct-x-rows only with Co ≥ 8).
 */
export function conv2dBackpropFilterKernel(force?: FilterGradForm): tf.KernelFunc {
  return ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info => {
    const backend = args.backend as BackendWasm;
    const { x, dy } = args.inputs as unknown as { x: Info; dy: Info };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const { filterShape } = attrs;
    const info = backpropConvInfo(x.shape, filterShape, attrs);
    if (info.dataFormat !== "channelsLast") {
      throw new Error(`wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only, got '${attrs.dataFormat}'`);
    }
    if (info.batchSize * info.outHeight * info.outWidth * info.inHeight * info.inWidth === 0) return zeros(backend, filterShape);
    const form = force ?? pickFilterGradForm(backend, info);
    if (form === "dy-as-filter") return dyAsFilter(backend, x, dy, info);
    if (form === "x-as-filter") {
      const phases = phasePlan(info);
      if (!phases) throw new Error(`wasm Conv2DBackpropFilter: form 'x-as-filter' needs sh·sw·Ci ≤ ${TILE}`);
      return xAsFilter(backend, x, dy, info, phases);
    }
    const plan = directPlan(info, form === "direct-x-rows" ? "x-rows" : "dy-rows");
    if (!plan || !directAvailable(backend)) {
      throw new Error(`wasm Conv2DBackpropFilter: form '${form}' needs wasm SIMD and the backend's memory (and Co ≥ 8 for x-rows)`);
    }
    return directFilterGrad(backend, x, dy, info, plan);
  }) as tf.KernelFunc;
}

/**
 * Output channels per convolution in the "dy as filter" form: all of Co when there is enough
 * arithmetic per dy element to hide the slow packing (one convolution keeps the input tile in
 * cache across the channel tiles), else a divisor of Co ≤ TILE (cheap packing).
 */
function channelGroup(co: number, flopsPerDy: number): number {
  if (co <= TILE || flopsPerDy >= SPLIT_BELOW) return co;
  for (let g = TILE; g >= TILE / 2; g--) if (co % g === 0) return g;
  return co; // no good divisor: one convolution, slower to pack
}

function dyAsFilterCost(info: ConvInfo): number {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const dySize = n * ho * wo * co;
  const flops = 2 * kh * kw * ci * n * ho * wo * roundUp(co, TILE);
  const packNs = channelGroup(co, 2 * kh * kw * ci) > TILE ? 3 * PACK_NS : PACK_NS;
  return packNs * dySize + MOVE_NS * (n * h * w * ci + dySize) + FLOP_NS * flops;
}

function dyAsFilter(backend: BackendWasm, x: Info, dy: Info, info: ConvInfo): Info {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const padBottom = kh + (ho - 1) * sh - h - top;
  const padRight = kw + (wo - 1) * sw - w - left;
  const outH = kh + Math.max(0, -padBottom);
  const outW = kw + Math.max(0, -padRight);
  const group = channelGroup(co, 2 * kh * kw * ci);
  const groups = co / group;

  // x [N, H·W·Ci] -> x′ [H·W·Ci, N]; dy [N, Ho·Wo, G, g] -> dy′ [G, Ho·Wo, N, g]. Batch 1 needs no x′.
  const xt = n === 1 ? x : runKernel("Transpose", backend, { x: view(x, [n, h * w * ci]) }, { perm: [1, 0] });
  const dyt =
    groups === 1 && (n === 1 || ho * wo === 1)
      ? dy
      : runKernel("Transpose", backend, { x: view(dy, [n, ho * wo, groups, group]) }, { perm: [2, 1, 0, 3] });
  const attrs = {
    strides: 1,
    pad: [
      [0, 0],
      [top, Math.max(0, padBottom)],
      [left * ci, Math.max(0, padRight) * ci],
      [0, 0],
    ],
    dataFormat: "NHWC",
    dilations: [sh, sw * ci],
  };
  const outs: Info[] = [];
  for (let g = 0; g < groups; g++) {
    const filter = groups === 1 ? view(dyt, [ho, wo, n, co]) : alias(backend, dyt, g * ho * wo * n * group, [ho, wo, n, group]);
    outs.push(runKernel("Conv2D", backend, { x: view(xt, [1, h, w * ci, n]), filter }, attrs)); // [1, outH, outW·Ci, g]
    if (groups > 1) releaseAlias(backend, filter);
  }
  if (xt !== x) free(backend, xt);
  if (dyt !== dy) free(backend, dyt);
  if (groups === 1 && outH === kh && outW === kw) return view(outs[0], [kh, kw, ci, co]);

  // dF[p, q, c, g·group + j] = outs[g][p, q·Ci + c, j]
  const dF = backend.makeOutput([kh, kw, ci, co], "float32");
  const heap = heapF32(backend);
  const src = outs.map((o) => offsetF32(backend, o));
  let d = offsetF32(backend, dF);
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      for (let c = 0; c < ci; c++) {
        const s = ((p * outW + q) * ci + c) * group;
        for (let g = 0; g < groups; g++, d += group) heap.copyWithin(d, src[g] + s, src[g] + s + group);
      }
    }
  }
  free(backend, ...outs);
  return dF;
}

/** The "x as filter" form's shape: taps A, phase rows T, filter columns, folded column shifts. */
interface PhasePlan {
  ah: number;
  aw: number;
  th: number;
  cols: number;
  fold: number;
  channels: number;
  cost: number;
}

function phasePlan(info: ConvInfo): PhasePlan | undefined {
  const { batchSize: n, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const ah = Math.ceil(kh / sh);
  const aw = Math.ceil(kw / sw);
  const phaseChannels = sh * sw * ci;
  if (phaseChannels > TILE) return undefined;
  const fold = aw * phaseChannels <= TILE ? aw : 1;
  const th = ho + ah - 1;
  const cols = fold > 1 ? wo : wo + aw - 1;
  const channels = fold * phaseChannels;
  const filterSize = th * cols * n * TILE; // packed with its channels padded to a tile
  const flops = 2 * ah * (fold > 1 ? 1 : aw) * co * th * cols * n * TILE;
  const moved = n * ho * wo * co + 2 * th * cols * n * channels;
  return { ah, aw, th, cols, fold, channels, cost: PACK_NS * filterSize + MOVE_NS * moved + FLOP_NS * flops };
}

function xAsFilter(backend: BackendWasm, x: Info, dy: Info, info: ConvInfo, plan: PhasePlan): Info {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const { ah, aw, th, cols, fold, channels } = plan;

  // Phase rows, in the order [t, n, vh, b, (u, vw, c)]: row t of phase vh of image n, shifted
  // right by b blocks, is x's row sh·t + vh − top from column sw·b − left on (zeros outside x).
  const run = cols * sw * ci;
  const rows = backend.makeOutput([th, n, sh * fold, run], "float32");
  const heap = heapF32(backend);
  const src = offsetF32(backend, x);
  let d = offsetF32(backend, rows);
  for (let t = 0; t < th; t++) {
    for (let b = 0; b < n; b++) {
      for (let vh = 0; vh < sh; vh++) {
        const r = sh * t + vh - top;
        for (let f = 0; f < fold; f++, d += run) {
          if (r < 0 || r >= h) heap.fill(0, d, d + run);
          else copyRow(heap, src + (b * h + r) * w * ci, w * ci, (sw * f - left) * ci, d, run);
        }
      }
    }
  }
  // [t, n, (vh, b), u, (vw, c)] -> filter [t, u, n, (vh, b, vw, c)]
  const filter = runKernel("Transpose", backend, { x: view(rows, [th, n, sh * fold, cols, sw * ci]) }, { perm: [0, 3, 1, 2, 4] });
  free(backend, rows);
  // dy [N, Ho·Wo·Co] -> dy′ [Ho·Wo·Co, N]
  const dyt = n === 1 ? dy : runKernel("Transpose", backend, { x: view(dy, [n, ho * wo * co]) }, { perm: [1, 0] });
  const padW = fold > 1 ? 0 : (aw - 1) * co;
  const out = runKernel(
    "Conv2D",
    backend,
    { x: view(dyt, [1, ho, wo * co, n]), filter: view(filter, [th, cols, n, channels]) },
    {
      strides: 1,
      pad: [
        [0, 0],
        [ah - 1, ah - 1],
        [padW, padW],
        [0, 0],
      ],
      dataFormat: "NHWC",
      dilations: [1, co],
    },
  ); // [1, A_h, (fold > 1 ? 1 : A_w)·Co, (vh, b, vw, c)]
  free(backend, filter);
  if (dyt !== dy) free(backend, dyt);

  // dF[sh·a + vh, sw·b + vw, c, o] = out[A_h−1−a, column(b)·Co + o, ((vh·fold + b′)·sw + vw)·Ci + c]
  const dF = backend.makeOutput([kh, kw, ci, co], "float32");
  const heap2 = heapF32(backend);
  const o0 = offsetF32(backend, out);
  let dst = offsetF32(backend, dF);
  const outCols = fold > 1 ? 1 : aw;
  for (let p = 0; p < kh; p++) {
    const a = Math.floor(p / sh);
    const vh = p - sh * a;
    for (let q = 0; q < kw; q++) {
      const b = Math.floor(q / sw);
      const vw = q - sw * b;
      const column = fold > 1 ? 0 : aw - 1 - b;
      const shift = fold > 1 ? b : 0;
      const rowBase = o0 + ((ah - 1 - a) * outCols + column) * co * channels;
      for (let c = 0; c < ci; c++) {
        const ch = ((vh * fold + shift) * sw + vw) * ci + c;
        for (let o = 0; o < co; o++) heap2[dst++] = heap2[rowBase + o * channels + ch];
      }
    }
  }
  free(backend, out);
  return dF;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilterKernel(),
};
