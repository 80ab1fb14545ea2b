/**
 * TensorFlow.js backends in the page (inside the Train view's worker): WebGPU where the browser
 * has a hardware adapter, else WebGL on a hardware renderer, else wasm (with sculpt's
 * conv-gradient kernels, src/engine/wasm), else cpu; or the one asked for (software or not),
 * failing with the reason when it cannot start.
 */
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "../../core/tf.js";
import { registerWasmKernels } from "../../engine/wasm/index.js";
import { transposeBeforeSplitK } from "../../engine/webgpu/split-k.js";
import type { BackendChoice } from "./protocol.js";
import { softwareAdapter, softwareRenderer, type AdapterLike } from "./software.js";

const ORDER = ["webgpu", "webgl", "wasm", "cpu"] as const;

/** The WebGL renderer's name (unmasked where the browser gives it), from a throwaway context. */
function webglRenderer(): string | null {
  if (typeof OffscreenCanvas === "undefined") return null;
  const gl = new OffscreenCanvas(1, 1).getContext("webgl2");
  if (!gl) return null;
  const ext = gl.getExtension("WEBGL_debug_renderer_info");
  const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return name;
}

/** Why `name` cannot start here (or, when `auto`, is software), or null once it is the active backend. */
async function tryBackend(name: (typeof ORDER)[number], base: string, auto: boolean): Promise<string | null> {
  try {
    if (name === "webgpu") {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<AdapterLike | null> } }).gpu;
      if (!gpu) return "this browser has no WebGPU (navigator.gpu)";
      const adapter = await gpu.requestAdapter();
      if (!adapter) return "WebGPU has no adapter here";
      const software = auto ? softwareAdapter(adapter) : null;
      if (software) return software;
    }
    if (name === "webgl" && auto) {
      const software = softwareRenderer(webglRenderer());
      if (software) return software;
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

/**
 * Start the chosen backend; `base` is the URL folder holding tfjs's .wasm files. `notes` say why
 * each backend before it was passed over, the last ending "using NAME".
 */
export async function startBackend(choice: BackendChoice, base: string): Promise<{ name: string; notes: string[] }> {
  const notes: string[] = [];
  for (const name of choice === "auto" ? ORDER : [choice]) {
    const why = await tryBackend(name, base, choice === "auto");
    if (why === null) {
      if (notes.length) notes[notes.length - 1] += `: using ${name}`;
      return { name, notes };
    }
    notes.push(why);
  }
  throw new Error(`no backend could start: ${notes.join("; ")}`);
}
