/**
 * A correction for tfjs-backend-webgpu 4.22, shared by WebGPU in Node (src/node/webgpu.ts) and in
 * the browser (the Train view's worker). Call once the webgpu backend's kernels are registered.
 */
import * as tf from "../../core/tf.js";

let patched = false;

/**
 * tfjs-backend-webgpu 4.22's split-K matMul (one batch, K ≥ 2000, few output tiles) is wrong when b
 * is transposed: its vec4 reads take four consecutive K values of b as four columns (measured:
 * errors of ~100 on products of magnitude ~60, while its other matMul programs and split-K without
 * the transpose agree with cpu). A dense layer's input gradient dy·Wᵀ at small batches is such a
 * product. Transposing b first keeps the split-K program, on a layout it reads correctly.
 */
export function transposeBeforeSplitK(): void {
  if (patched) return;
  patched = true;
  const transpose = tf.getKernel("Transpose", "webgpu")!;
  for (const name of ["BatchMatMul", "_FusedMatMul"]) {
    const kernel = tf.getKernel(name, "webgpu");
    if (!kernel) continue;
    tf.unregisterKernel(name, "webgpu");
    tf.registerKernel({
      ...kernel,
      kernelFunc: (args) => {
        const { b } = args.inputs as { b: tf.TensorInfo };
        const attrs = args.attrs as { transposeB: boolean };
        const rank = b.shape.length;
        const batch = b.shape.slice(0, -2).reduce((p, q) => p * q, 1);
        const a = (args.inputs as { a: tf.TensorInfo }).a;
        const aBatch = a.shape.slice(0, -2).reduce((p, q) => p * q, 1);
        if (!attrs.transposeB || Math.max(batch, aBatch) !== 1 || b.shape[rank - 1] < 2000) return kernel.kernelFunc(args);
        const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
        const bt = transpose.kernelFunc({ inputs: { x: b }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
        try {
          return kernel.kernelFunc({ ...args, inputs: { ...args.inputs, b: bt }, attrs: { ...args.attrs, transposeB: false } });
        } finally {
          (args.backend as tf.KernelBackend).disposeData(bt.dataId);
        }
      },
    });
  }
}
