/**
 * WebGPU in Node: Dawn (npm `webgpu`) under tfjs's WebGPU backend. A real GPU comes through Dawn's
 * default adapter (Vulkan on Linux). A software adapter (Mesa's llvmpipe or lavapipe, SwiftShader)
 * is slower than the native or wasm kernels, so `auto` never takes one; asking for webgpu by name
 * may, falling back to Dawn's OpenGL ES adapter in compatibility mode — on a machine without a GPU
 * that is Mesa's llvmpipe, which is how the tests exercise this backend.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as tf from "../core/tf.js";
import { transposeBeforeSplitK } from "../engine/webgpu/split-k.js";

export const WEBGPU_INSTALL = "npm install webgpu @tensorflow/tfjs-backend-webgpu";

/** The adapter the webgpu backend runs on (recorded in the backend notes and shown by `sculpt info`). */
export interface WebGpuAdapter {
  /** Dawn's name for the device (else its description). */
  name: string;
  description: string;
  /** Dawn's default adapter, or its OpenGL ES one in compatibility mode. */
  via: "default" | "opengles";
  /** A CPU implementation (llvmpipe, lavapipe, SwiftShader, …), not a GPU. */
  software: boolean;
}

/** The fields of GPUAdapterInfo read here (the installed @webgpu/types predates some of them). */
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

interface Dawn {
  create(flags: string[]): GPU;
  globals: object;
}

interface Found {
  gpu: GPU;
  adapter: GPUAdapter;
  info: WebGpuAdapter;
}

const require = createRequire(import.meta.url);
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render driver/i;

/** Whether Dawn's adapter info describes a CPU implementation rather than a GPU. */
export function isSoftwareAdapter(info: AdapterInfoLike): boolean {
  if (info.isFallbackAdapter) return true;
  return SOFTWARE.test([info.vendor, info.architecture, info.device, info.description].join(" "));
}

/**
 * Linux reaches every GPU through a device node (DRM render node, NVIDIA's, or WSL's /dev/dxg);
 * without one Dawn can only find software adapters, so `auto` need not start Dawn at all (which
 * costs ~0.5 s and prints driver warnings).
 */
export function hasGpuDeviceNode(): boolean {
  if (process.platform !== "linux") return true;
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  return list("/dev/dri").some((n) => n.startsWith("renderD")) || list("/dev").some((n) => /^nvidia\d+$/.test(n) || n === "dxg");
}

/** Which package the webgpu backend lacks here, as an error message with the fix; null if none. */
export function missingWebGpuPackage(resolve: (name: string) => string = require.resolve): string | null {
  for (const name of ["webgpu", "@tensorflow/tfjs-backend-webgpu"]) {
    try {
      resolve(name);
    } catch {
      return `${name} is not installed (${WEBGPU_INSTALL})`;
    }
  }
  return null;
}

function describe(adapter: GPUAdapter, via: WebGpuAdapter["via"]): WebGpuAdapter {
  // Dawn's info fields are prototype getters: copy them one by one (a spread would copy none).
  const raw = ((adapter as unknown as { info?: AdapterInfoLike }).info ?? {}) as AdapterInfoLike;
  const info: AdapterInfoLike = {
    vendor: raw.vendor,
    architecture: raw.architecture,
    device: raw.device,
    description: raw.description,
    isFallbackAdapter: raw.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
  };
  return {
    name: info.device || info.description || info.vendor || "unnamed adapter",
    description: info.description ?? "",
    via,
    software: isSoftwareAdapter(info),
  };
}

/**
 * Find an adapter: Dawn's default one, then (with `gles`) its OpenGL ES one in compatibility mode.
 * A software adapter is taken only with `allowSoftware`. Resolves to the adapter, or why none.
 */
export function findWebGpuAdapter(options: { allowSoftware: boolean; gles: boolean }): Promise<Found | { reason: string }> {
  // Once per process and options: a probe (tests, `sculpt info`) and the load share one adapter.
  const key = `${options.allowSoftware},${options.gles}`;
  if (!searches.has(key)) searches.set(key, search(options));
  return searches.get(key)!;
}

const searches = new Map<string, Promise<Found | { reason: string }>>();

async function search(options: { allowSoftware: boolean; gles: boolean }): Promise<Found | { reason: string }> {
  const missing = missingWebGpuPackage();
  if (missing) return { reason: missing };
  const dawn = (await import("webgpu" as string)) as Dawn;
  const refused: string[] = [];
  const attempts: { via: WebGpuAdapter["via"]; flags: string[]; options?: object }[] = [{ via: "default", flags: [] }];
  if (options.gles) attempts.push({ via: "opengles", flags: ["backend=opengles"], options: { featureLevel: "compatibility" } });
  for (const attempt of attempts) {
    // Mesa's EGL otherwise looks for an X11 or Wayland display; set before Dawn opens EGL.
    if (attempt.via === "opengles") process.env.EGL_PLATFORM ??= "surfaceless";
    const gpu = dawn.create(attempt.flags);
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance", ...attempt.options });
    if (!adapter) {
      refused.push(attempt.via === "default" ? "Dawn found no GPU adapter" : "nor an OpenGL ES one");
      continue;
    }
    const info = describe(adapter, attempt.via);
    if (!info.software || options.allowSoftware) return { gpu, adapter, info };
    refused.push(`its only adapter is a software one (${info.name}), slower than the native or wasm kernels`);
  }
  return { reason: refused.join(", ") };
}

export interface WebGpuProbe {
  /** The adapter `--backend webgpu` would use; absent with `reason` when there is none. */
  adapter?: WebGpuAdapter;
  reason?: string;
  /** Whether `auto` would take it (a GPU through Dawn's default adapter). */
  auto: boolean;
}

/** For `sculpt info`: what webgpu would run on here, without starting it. */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const found = await findWebGpuAdapter({ allowSoftware: true, gles: true });
  if (!("gpu" in found)) return { reason: found.reason, auto: false };
  return { adapter: found.info, auto: !found.info.software && found.info.via === "default" && hasGpuDeviceNode() };
}

let loaded: WebGpuAdapter | null = null;

/** The adapter the webgpu backend was started on in this process, if it was. */
export function loadedWebGpuAdapter(): WebGpuAdapter | null {
  return loaded;
}

/**
 * Register and select tfjs's webgpu backend on the adapter findWebGpuAdapter picks; `auto` refuses
 * software adapters (and machines without a GPU device node). Throws an Error saying why not.
 */
export async function loadWebGpu(auto: boolean): Promise<WebGpuAdapter> {
  if (loaded && (!auto || !loaded.software)) {
    if (!(await tf.setBackend("webgpu"))) throw new Error("the webgpu backend failed to start again");
    return loaded;
  }
  const missing = missingWebGpuPackage();
  if (missing) throw new Error(missing);
  if (auto && !hasGpuDeviceNode())
    throw new Error("no GPU device (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg): only a software adapter could exist");
  const found = await findWebGpuAdapter({ allowSoftware: !auto, gles: !auto });
  if (!("gpu" in found)) throw new Error(found.reason);
  const { gpu, adapter, info } = found;
  // tfjs's WebGPU code uses the GPUBufferUsage/GPUMapMode/… globals and checks navigator.gpu.
  Object.assign(globalThis, ((await import("webgpu" as string)) as Dawn).globals);
  const nav = (globalThis.navigator ?? Object.assign(globalThis, { navigator: {} }).navigator) as object;
  Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
  const { WebGPUBackend } = (await import("@tensorflow/tfjs-backend-webgpu" as string)) as typeof import("@tensorflow/tfjs-backend-webgpu");
  // The limits tfjs's own factory asks for; it would ask navigator.gpu for an adapter without the
  // compatibility feature level, which finds none on the OpenGL ES path, so register our own.
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const backend = new WebGPUBackend(device, (adapter as unknown as { info?: GPUAdapterInfo }).info);
  explainSyncReads(backend);
  transposeBeforeSplitK();
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  // Priority 0: never tfjs's default choice; sculpt always selects its backend by name.
  tf.registerBackend("webgpu", () => backend, 0);
  if (!(await tf.setBackend("webgpu"))) throw new Error(`the webgpu backend failed to start on ${info.name}`);
  loaded = info;
  return info;
}

/**
 * tfjs's synchronous GPU read draws through an OffscreenCanvas, which Node lacks; name the problem
 * (and the fix) instead of the ReferenceError it would throw.
 */
function explainSyncReads(backend: { readSync(dataId: object): unknown }): void {
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    try {
      return readSync(dataId);
    } catch (err) {
      if (err instanceof ReferenceError && /OffscreenCanvas/.test(err.message)) {
        throw new Error("a synchronous read (dataSync/arraySync) of a GPU tensor: WebGPU in Node can only read with `await tensor.data()`");
      }
      throw err;
    }
  };
}
