/**
 * Slice and PadV2 for backends whose tensors are plain typed arrays (the cpu class, and the native
 * backend built on it). tfjs-backend-cpu computes every output element's source index separately,
 * which made the decoder's crop (Cropping2D → Slice, and its gradient Pad) cost more than all its
 * convolutions together; here each contiguous run (the innermost dimensions taken whole) is one
 * TypedArray.set. Other dtypes and ranks fall back to the cpu kernels.
 */
import * as tf from "../../core/tf.js";

type Values = Float32Array | Int32Array | Uint8Array;
interface CpuLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Values): tf.TensorInfo;
  /** Recycled float memory with unspecified contents (the native backend's pool). */
  alloc?(n: number): Float32Array;
}

/** An output array like `like`: from the backend's pool when it has one (a fresh array costs page faults). */
function outputLike(backend: CpuLike, like: Values, n: number, fill: number | null): Values {
  if (like instanceof Float32Array && backend.alloc) {
    const out = backend.alloc(n);
    return fill === null ? out : out.fill(fill);
  }
  const out = new (like.constructor as { new (n: number): Values })(n);
  return fill ? out.fill(fill) : out;
}

const stridesOf = (shape: number[]) => {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
};

/**
 * Copy a box of `size` from `src` (shape `srcShape`, box at `srcBegin`) into `dst` (shape
 * `dstShape`, box at `dstBegin`), one contiguous run at a time.
 */
function copyBox(
  src: Values,
  srcShape: number[],
  srcBegin: number[],
  dst: Values,
  dstShape: number[],
  dstBegin: number[],
  size: number[],
): void {
  const rank = size.length;
  // Innermost dimensions that are whole in both tensors merge into one run.
  let k = rank - 1;
  while (k > 0 && size[k] === srcShape[k] && size[k] === dstShape[k]) k--;
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  const run = size[k] * ss[k];
  const outer = size.slice(0, k);
  const count = outer.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(k).fill(0);
  for (let n = 0; n < count; n++) {
    let so = srcBegin[k] * ss[k];
    let d0 = dstBegin[k] * ds[k];
    for (let i = 0; i < k; i++) {
      so += (srcBegin[i] + idx[i]) * ss[i];
      d0 += (dstBegin[i] + idx[i]) * ds[i];
    }
    dst.set(src.subarray(so, so + run), d0);
    for (let i = k - 1; i >= 0; i--) {
      if (++idx[i] < outer[i]) break;
      idx[i] = 0;
    }
  }
}

const typed = (v: unknown): v is Values => v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;

/** Kernel configs for `backendName`, falling back to the cpu backend's own kernels. */
export function dataMovementKernels(backendName: string): tf.KernelConfig[] {
  const fallback = (name: string) => tf.getKernel(name, "cpu")!.kernelFunc;
  const slice: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const backend = args.backend as unknown as CpuLike;
    const values = backend.data.get(x.dataId).values;
    if (!typed(values) || x.shape.length === 0) return fallback("Slice")(args);
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size);
    const out = outputLike(
      backend,
      values,
      s.reduce((a, c) => a * c, 1),
      null,
    );
    if (out.length > 0) copyBox(values, x.shape, b, out, s, new Array(s.length).fill(0), s);
    return backend.makeTensorInfo(s, x.dtype, out);
  };
  const pad: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const backend = args.backend as unknown as CpuLike;
    const values = backend.data.get(x.dataId).values;
    if (!typed(values) || x.shape.length === 0) return fallback("PadV2")(args);
    const { paddings, constantValue } = args.attrs as { paddings: [number, number][]; constantValue: number };
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const out = outputLike(
      backend,
      values,
      outShape.reduce((a, c) => a * c, 1),
      constantValue,
    );
    if (values.length > 0)
      copyBox(
        values,
        x.shape,
        new Array(x.shape.length).fill(0),
        out,
        outShape,
        paddings.map((p) => p[0]),
        x.shape,
      );
    return backend.makeTensorInfo(outShape, x.dtype, out);
  };
  return [
    { kernelName: "Slice", backendName, kernelFunc: slice },
    { kernelName: "PadV2", backendName, kernelFunc: pad },
  ];
}
