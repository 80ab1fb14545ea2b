/**
 * Building blocks for wasm kernels composed from other wasm kernels: call a registered wasm kernel
 * on raw TensorInfos (no engine, no tape, no tensor tracking), see a tensor's data on the wasm
 * heap, alias part of a buffer as a tensor, free intermediates, and the conv geometry both
 * backprop kernels share. Heap views are taken after
 * the last allocation of a step, because an allocation may grow (and so detach) the heap.
 */
import * as tf from "../../core/tf.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

export type Info = tf.TensorInfo;
export type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/**
 * XNNPACK's f32 register tile on wasm SIMD is 8 output channels wide: a convolution with fewer
 * leaves lanes idle, and one whose filter has many more is much slower to pack.
 */
export const TILE = 8;

/** The forward convolution a backprop kernel inverts (dilation 1, as tfjs's conv gradients require). */
export function backpropConvInfo(
  inShape: number[],
  filterShape: number[],
  attrs: {
    strides: number | [number, number];
    pad: tf.Conv2DBackpropInputAttrs["pad"];
    dataFormat: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
  },
): ConvInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs;
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
}

/** Run the wasm backend's kernel `name` directly; the caller owns (and must free) the result. */
export function runKernel(name: string, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): Info {
  const kernel = tf.getKernel(name, "wasm");
  if (!kernel) throw new Error(`wasm backend has no '${name}' kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as Info;
}

/** The same data seen with another shape (no copy, no reference taken: never free a view). */
export function view(x: Info, shape: number[]): Info {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

export function free(backend: BackendWasm, ...infos: Info[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

interface WasmModule {
  HEAPU8: Uint8Array;
  tfjs: { disposeData(id: number): void };
}

/**
 * A float32 tensor of `shape` over x's data from float `offset` on, sharing x's memory (so a
 * kernel can take one slice of a buffer as its own input). Release it with `releaseAlias`, never
 * `free`, and before x is freed.
 */
export function alias(backend: BackendWasm, x: Info, offset: number, shape: number[]): Info {
  return backend.makeOutput(shape, "float32", backend.getMemoryOffset(x.dataId) + 4 * offset);
}
export function releaseAlias(backend: BackendWasm, a: Info): void {
  // What disposeData does, less freeing the memory (x owns it). This also drops the XNNPACK
  // operators the backend cached for it as a filter.
  (backend.wasm as unknown as WasmModule).tfjs.disposeData(backend.dataIdMap.get(a.dataId)!.id);
  backend.dataIdMap.delete(a.dataId);
}

/** The whole wasm heap as float32, and the float index where `x`'s data starts. */
export function heapF32(backend: BackendWasm): Float32Array {
  return new Float32Array((backend.wasm as unknown as WasmModule).HEAPU8.buffer);
}
export function offsetF32(backend: BackendWasm, x: Info): number {
  return backend.getMemoryOffset(x.dataId) / 4;
}

/** A float32 output of `shape` filled with zeros (the heap is not zeroed by malloc). */
export function zeros(backend: BackendWasm, shape: number[]): Info {
  const out = backend.makeOutput(shape, "float32");
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/**
 * Copy `len` floats of the row [0, rowLen) of the heap starting at `src`, read from index `from`
 * on (which may start before 0 or run past rowLen: those places get zeros), to `dst`.
 */
export function copyRow(heap: Float32Array, src: number, rowLen: number, from: number, dst: number, len: number): void {
  const lo = Math.max(0, from);
  const hi = Math.min(rowLen, from + len);
  if (hi <= lo) {
    heap.fill(0, dst, dst + len);
    return;
  }
  if (lo > from) heap.fill(0, dst, dst + lo - from);
  heap.copyWithin(dst + lo - from, src + lo, src + hi);
  if (from + len > hi) heap.fill(0, dst + hi - from, dst + len);
}

/**
 * The window [top, top+outH) × [left, left+outW) of every image of x [N, H, W, C], as a new
 * [N, outH, outW, C] tensor; places outside x are zeros. One contiguous copy per output row.
 */
export function window(backend: BackendWasm, x: Info, top: number, left: number, outH: number, outW: number): Info {
  const [n, h, w, c] = x.shape;
  const out = backend.makeOutput([n, outH, outW, c], "float32");
  const heap = heapF32(backend);
  const src = offsetF32(backend, x);
  let dst = offsetF32(backend, out);
  const row = outW * c;
  for (let b = 0; b < n; b++) {
    for (let i = top; i < top + outH; i++, dst += row) {
      if (i < 0 || i >= h) heap.fill(0, dst, dst + row);
      else copyRow(heap, src + (b * h + i) * w * c, w * c, left * c, dst, row);
    }
  }
  return out;
}
