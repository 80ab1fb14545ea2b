/**
 * Backend selection (Node): `auto` picks the fastest that loads — tfjs-node if the user installed
 * it, then WebGPU (npm `webgpu`, Dawn) when a GPU adapter exists (never a software one: see
 * webgpu.ts), then the native oneDNN kernels on the cpu backend when built, else wasm with sculpt's
 * fast conv-gradient kernels, else cpu.
 * Also settable with SCULPT_BACKEND. Every run records what was picked and why.
 */
import * as tf from "../core/tf.js";
// The umbrella package registers every gradient (and the cpu backend) against tfjs-core's Node build.
import "@tensorflow/tfjs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { SculptError } from "../core/registry.js";
import { loadNativeAddon } from "./native.js";
import { loadedWebGpuAdapter, loadWebGpu, type WebGpuAdapter } from "./webgpu.js";

export { probeWebGpu, type WebGpuAdapter, type WebGpuProbe } from "./webgpu.js";

export const BACKENDS = ["auto", "tensorflow", "webgpu", "native", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: string;
  requested: BackendName;
  /** Why lesser choices were made (e.g. "tensorflow: @tensorflow/tfjs-node not installed"). */
  notes: string[];
  /** The WebGPU adapter, when the backend is webgpu. */
  adapter?: WebGpuAdapter;
}

const require = createRequire(import.meta.url);
let current: BackendInfo | null = null;

/** Loads one backend; `auto` says the user left the choice to sculpt. */
type Loader = (auto: boolean) => Promise<boolean>;

const LOADERS: Record<Exclude<BackendName, "auto">, Loader> = {
  async tensorflow() {
    try {
      await import(/* optional */ "@tensorflow/tfjs-node" as string);
    } catch {
      return false;
    }
    return tf.setBackend("tensorflow");
  },
  async webgpu(auto) {
    await loadWebGpu(auto);
    return true;
  },
  async native() {
    const { addon, reason } = loadNativeAddon();
    if (!addon) throw new Error(reason);
    const { registerNativeBackend } = await import("../engine/native/index.js");
    registerNativeBackend(addon);
    return tf.setBackend("native");
  },
  async wasm() {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const dir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
    wasm.setWasmPaths(join(dir, "dist") + "/");
    const { registerWasmKernels } = await import("../engine/wasm/index.js");
    registerWasmKernels();
    return tf.setBackend("wasm");
  },
  async cpu() {
    return tf.setBackend("cpu");
  },
};

/** Select and initialise a backend; idempotent for the same request. */
export async function initBackend(requested: string = process.env.SCULPT_BACKEND ?? "auto"): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(requested)) {
    throw new SculptError(`unknown backend '${requested}'`, `use one of: ${BACKENDS.join(", ")}`);
  }
  const req = requested as BackendName;
  if (current && current.requested === req) return current;
  const notes: string[] = [];
  const order: Exclude<BackendName, "auto">[] = req === "auto" ? ["tensorflow", "webgpu", "native", "wasm", "cpu"] : [req];
  for (const name of order) {
    let ok = false;
    try {
      ok = await LOADERS[name](req === "auto");
    } catch (err) {
      notes.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    if (ok) {
      const skipped = notes.find((n) => n.startsWith("native: "));
      // The one line a user without the native kernels sees: why training is slower than it could be.
      if (req === "auto" && skipped) console.error(`sculpt: ${skipped}; using ${name}`);
      current = { name: tf.getBackend(), requested: req, notes, ...(name === "webgpu" ? { adapter: loadedWebGpuAdapter()! } : {}) };
      return current;
    }
    notes.push(`${name}: not available`);
  }
  throw new SculptError(`backend '${req}' could not be loaded (${notes.join("; ")})`, "use --backend auto");
}

/** Which backends would load here (for `sculpt info`), without changing the active one. */
export async function probeBackends(): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  const has = (m: string) => {
    try {
      require.resolve(m);
      return true;
    } catch {
      return false;
    }
  };
  out.tensorflow = has("@tensorflow/tfjs-node");
  out.webgpu = has("webgpu") && has("@tensorflow/tfjs-backend-webgpu");
  out.native = loadNativeAddon().addon !== null;
  out.wasm = has("@tensorflow/tfjs-backend-wasm");
  out.cpu = true;
  return out;
}
