/**
 * `npm run bench -- conv`: GFLOP/s on the wasm backend of the three convolutions a conv layer
 * trains with (forward Conv2D, filter gradient Conv2DBackpropFilter, input gradient / transposed
 * conv Conv2DBackpropInput) for the layers of a 64×64 six-layer conv autoencoder at batch 64
 * (encoder 4×4 stride-2 'same' convs 1→32→32→64→64 channels, 64→32→16→8→4 pixels; the decoder's
 * transposed convs run the same three kernels on the mirrored shapes). The reference beside it is
 * the wasm backend's built-in Conv2DBackpropInput; `vsBuiltin` is the speed-up over it.
 * FLOPs = 2·N·Ho·Wo·kh·kw·Ci·Co for all three. `filterGradForm` names the filter-gradient form
 * the cost estimate picks (src/engine/wasm/conv2d-backprop-filter.ts). The forward conv gets a new filter tensor on every
 * call, as in training (XNNPACK then repacks it). Each time is the best of `REPS` after a warm-up,
 * as wall time (`gflops`) and as this process's CPU time (`gflopsCpu`): on a machine other
 * processes share, wall time also counts waiting for a core, CPU time does not.
 */
import * as tf from "../src/core/tf.js";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { initBackend } from "../src/node/backend.js";
import { builtinConv2dBackpropInput } from "../src/engine/wasm/conv2d-backprop-input.js";
import { pickFilterGradForm, type FilterGradForm } from "../src/engine/wasm/conv2d-backprop-filter.js";
import { backpropConvInfo } from "../src/engine/wasm/heap.js";

const BATCH = 64;
const REPS = 10;
const LAYERS = [
  { size: 64, ci: 1, co: 32 },
  { size: 32, ci: 32, co: 32 },
  { size: 16, ci: 32, co: 64 },
  { size: 8, ci: 64, co: 64 },
];

/** Best wall time and best process CPU time (ms) of `fn`, whose result is freed after each call. */
function best(fn: () => tf.TensorInfo, backend: BackendWasm, reps = REPS): { wall: number; cpu: number } {
  backend.disposeData(fn().dataId);
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = fn(); // the wasm backend computes synchronously
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e3);
    backend.disposeData(out.dataId);
  }
  return { wall, cpu };
}

type Kernel = "forward" | "filterGrad" | "inputGrad" | "builtinInputGrad";
interface LayerResult {
  shape: string;
  gflop: number;
  ms: Record<Kernel, number>;
  gflops: Record<Kernel, number>;
  gflopsCpu: Record<Kernel, number>;
  vsBuiltin: number;
  /** The Conv2DBackpropFilter form the cost estimate picks for this layer. */
  filterGradForm: FilterGradForm;
}

export async function run(): Promise<object> {
  await initBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const builtin = builtinConv2dBackpropInput(backend);
  if (!builtin) throw new Error("the built-in wasm Conv2DBackpropInput was not kept");
  const kernel = (name: string) => tf.getKernel(name, "wasm")!.kernelFunc;
  const layers: LayerResult[] = [];
  for (const { size, ci, co } of LAYERS) {
    const out = size / 2;
    const x = tf.randomNormal([BATCH, size, size, ci]);
    const filter = tf.randomNormal([4, 4, ci, co]);
    const dy = tf.randomNormal([BATCH, out, out, co]);
    const conv = { strides: 2, pad: "same" as const, dataFormat: "NHWC" as const };
    const call = (f: tf.KernelFunc, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => () =>
      f({ inputs, backend, attrs }) as tf.TensorInfo;
    const filterValues = filter.dataSync();
    const forward = () => {
      const fresh = backend.makeOutput(filter.shape, "float32", undefined, filterValues);
      const y = kernel("Conv2D")({ inputs: { x, filter: fresh }, backend, attrs: { ...conv, dilations: 1 } }) as tf.TensorInfo;
      backend.disposeData(fresh.dataId);
      return y;
    };
    const times: Record<Kernel, { wall: number; cpu: number }> = {
      forward: best(forward, backend),
      filterGrad: best(call(kernel("Conv2DBackpropFilter"), { x, dy }, { ...conv, filterShape: filter.shape }), backend),
      inputGrad: best(call(kernel("Conv2DBackpropInput"), { dy, filter }, { ...conv, inputShape: x.shape }), backend),
      builtinInputGrad: best(call(builtin, { dy, filter }, { ...conv, inputShape: x.shape }), backend, 2),
    };
    const gflop = (2 * BATCH * out * out * 16 * ci * co) / 1e9;
    const per = (f: (t: { wall: number; cpu: number }) => number) =>
      Object.fromEntries(Object.entries(times).map(([k, t]) => [k, +f(t).toFixed(2)])) as Record<Kernel, number>;
    const layer: LayerResult = {
      shape: `${size}x${size}x${ci} -> ${out}x${out}x${co}`,
      gflop: +gflop.toFixed(3),
      ms: per((t) => t.wall),
      gflops: per((t) => gflop / (t.wall / 1e3)),
      gflopsCpu: per((t) => gflop / (t.cpu / 1e3)),
      vsBuiltin: +(times.builtinInputGrad.wall / times.inputGrad.wall).toFixed(1),
      filterGradForm: pickFilterGradForm(backend, backpropConvInfo(x.shape, filter.shape, conv)),
    };
    console.error(JSON.stringify(layer));
    layers.push(layer);
    tf.dispose([x, filter, dy]);
  }
  const min = (pick: (l: LayerResult) => Record<Kernel, number>) =>
    Object.fromEntries(
      (["forward", "filterGrad", "inputGrad", "builtinInputGrad"] as Kernel[]).map((k) => [k, Math.min(...layers.map((l) => pick(l)[k]))]),
    );
  return {
    backend: "wasm",
    batch: BATCH,
    layers,
    minGflops: min((l) => l.gflops),
    minGflopsCpu: min((l) => l.gflopsCpu),
    minVsBuiltin: Math.min(...layers.map((l) => l.vsBuiltin)),
  };
}
