/**
 * The webgpu backend's choices: `auto` never takes a software adapter (llvmpipe and the like are
 * slower than native or wasm), asking for webgpu by name may, and missing pieces are named with
 * the fix. Where no adapter exists at all, the cases that need one skip and say why.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { buildProgram } from "../cli/main.js";
import * as tf from "../core/tf.js";
import { initBackend } from "./backend.js";
import { condition as requirementNote, webgpuAdapter } from "../../test/requires.js";
import { findWebGpuAdapter, hasGpuDeviceNode, isSoftwareAdapter, missingWebGpuPackage, probeWebGpu } from "./webgpu.js";

const explicit = await findWebGpuAdapter({ allowSoftware: true, gles: true });
const ADAPTER = await webgpuAdapter();
const noAdapter = ADAPTER.ok ? null : ADAPTER.reason;
const software = ADAPTER.software;

describe("webgpu adapter choice", () => {
  it.each([
    [{ vendor: "", device: "llvmpipe-llvm-15-0-6-256-bits-", description: "OpenGL version OpenGL ES 3.2 Mesa 22.3.6" }, true],
    [{ vendor: "mesa", device: "llvmpipe (LLVM 15.0.6, 256 bits)", description: "Mesa 22.3.6 (LLVM 15.0.6)" }, true],
    [{ vendor: "google", device: "SwiftShader Device (Subzero)", description: "" }, true],
    [{ vendor: "nvidia", device: "anything", isFallbackAdapter: true }, true],
    [{ vendor: "nvidia", architecture: "hopper", device: "NVIDIA H100 80GB HBM3", description: "NVIDIA: 550.54" }, false],
    [{ vendor: "intel", architecture: "gen-12lp", device: "Intel(R) UHD Graphics 770", description: "" }, false],
  ])("classifies %o as software: %s", (info, want) => {
    expect(isSoftwareAdapter(info)).toBe(want);
  });

  it("names the missing package and the install command", () => {
    const missing = missingWebGpuPackage((name) => {
      if (name === "webgpu") throw new Error("not found");
      return name;
    });
    expect(missing).toBe("webgpu is not installed (npm install webgpu @tensorflow/tfjs-backend-webgpu)");
    expect(missingWebGpuPackage((name) => name)).toBeNull();
  });

  const softwareOnly = ADAPTER.ok && !software ? requirementNote("the adapter here is a GPU, not a software one") : ADAPTER;
  it.skipIf(!softwareOnly.ok)(softwareOnly.title("refuses a software adapter when auto is choosing"), async () => {
    const refused = await findWebGpuAdapter({ allowSoftware: false, gles: true });
    expect("reason" in refused && refused.reason).toMatch(/only adapter is a software one \(.+\), slower than the native or wasm kernels/);
    const probe = await probeWebGpu();
    expect(probe.adapter?.software).toBe(true);
    expect(probe.auto).toBe(false);
  });

  const noGpu = hasGpuDeviceNode() ? requirementNote("this machine has a GPU device node") : requirementNote(null);
  it.skipIf(!noGpu.ok)(noGpu.title("auto does not start Dawn on a machine without a GPU device node, and notes why"), async () => {
    const info = await initBackend("auto");
    expect(info.name).not.toBe("webgpu");
    expect(info.notes).toContain("webgpu: no GPU device (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg): only a software adapter could exist");
  });

  it("sculpt info shows the adapter explicit requests would use and whether auto takes it", async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      await buildProgram().parseAsync(["node", "sculpt", "info", "--json"]);
    } finally {
      spy.mockRestore();
    }
    const info = JSON.parse(out.join("")) as { webgpu: { adapter?: { software: boolean }; reason?: string; auto: boolean }; auto: string };
    if (noAdapter) expect(info.webgpu.reason).toBeTruthy();
    else expect(info.webgpu.adapter?.software).toBe(software);
    expect(info.webgpu.auto).toBe(!noAdapter && !software && hasGpuDeviceNode() && "gpu" in explicit && explicit.info.via === "default");
    expect(info.auto === "webgpu").toBe(info.webgpu.auto);
  });

  it("sculpt info keeps the drivers' warnings (Dawn's Vulkan limits, Mesa's XDG_RUNTIME_DIR) off the terminal", async () => {
    const args = ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv))", "sculpt", "info"];
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: process.cwd() });
    expect(stdout).toMatch(/^webgpu: /m);
    expect(stderr).not.toMatch(/Warning|XDG_RUNTIME_DIR|Vulkan/);
  });

  describe.skipIf(!ADAPTER.ok)(ADAPTER.title("asked for by name"), () => {
    it("runs on the adapter found, recorded in the backend info, and explains synchronous reads", async () => {
      const info = await initBackend("webgpu");
      expect(info.name).toBe("webgpu");
      expect(info.adapter).toEqual("gpu" in explicit ? explicit.info : undefined);
      const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      const y = tf.matMul(x, x);
      expect(() => y.dataSync()).toThrow("WebGPU in Node can only read with `await tensor.data()`");
      expect(Array.from(await y.data())).toEqual([7, 10, 15, 22]);
      tf.dispose([x, y]);
    });

    // tfjs-webgpu 4.22's split-K program (one batch, K ≥ 2000, few output tiles) misreads a
    // transposed b; src/node/webgpu.ts transposes it first. These shapes took that program.
    it.each([
      [8, 3528, 256],
      [3, 4000, 256],
      [8, 2048, 256],
    ])("matMul(a [%i, %i], bᵀ [%i, ·]) agrees with cpu", async (m, k, n) => {
      const run = async (backend: string) => {
        await initBackend(backend);
        const a = tf.randomUniform([m, k], -1, 1, "float32", 1);
        const b = tf.randomUniform([n, k], -1, 1, "float32", 2);
        const prod = tf.matMul(a, b, false, true);
        const out = await prod.data();
        tf.dispose([a, b, prod]);
        return out;
      };
      const want = await run("cpu");
      const got = await run("webgpu");
      const scale = Math.max(...want.map(Math.abs));
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 * scale));
    });
  });
});
