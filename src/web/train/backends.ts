/**
 * TensorFlow.js backends in the page (inside the Train view's worker): WebGPU where the browser
 * has an adapter, else WebGL, else wasm (with sculpt's conv-gradient kernels, src/engine/wasm),
 * else cpu; or the one asked for, failing with the reason when it cannot start.
 */
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "../../core/tf.js";
import { registerWasmKernels } from "../../engine/wasm/index.js";
import { transposeBeforeSplitK } from "../../engine/webgpu/split-k.js";
import type { BackendChoice } from "./protocol.js";

const ORDER = ["webgpu", "webgl", "wasm", "cpu"] as const;

/** Why `name` cannot start here, or null once it is the active backend. */
async function tryBackend(name: (typeof ORDER)[number], base: string): Promise<string | null> {
  try {
    if (name === "webgpu") {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu) return "this browser has no WebGPU (navigator.gpu)";
      if (!(await gpu.requestAdapter())) return "WebGPU has no adapter here";
    }
    if (name === "wasm") setWasmPaths(base);
    if (!(await tf.setBackend(name))) return `${name} failed to start`;
    await tf.ready();
    if (name === "wasm") registerWasmKernels();
    if (name === "webgpu") transposeBeforeSplitK();
    return null;
  } catch (err) {
    return `${name}: ${(err as Error).message}`;
  }
}

/** Start the chosen backend; `base` is the URL folder holding tfjs's .wasm files. */
export async function startBackend(choice: BackendChoice, base: string): Promise<{ name: string; notes: string[] }> {
  const notes: string[] = [];
  for (const name of choice === "auto" ? ORDER : [choice]) {
    const why = await tryBackend(name, base);
    if (why === null) return { name, notes };
    notes.push(why);
  }
  throw new Error(`no backend could start: ${notes.join("; ")}`);
}
