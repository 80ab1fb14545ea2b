/**
 * Without the native addon (here: disabled with SCULPT_NATIVE_DISABLE=1), `auto` falls back to
 * wasm, prints one line saying why, and records it in the backend notes; asking for `native` by
 * name fails with the same reason.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { condition } from "../../test/requires.js";
import { initBackend, probeBackends, probeWebGpu } from "./backend.js";

const probe = await probeBackends();
// Where auto would take a GPU through WebGPU, it never reaches the native-or-wasm choice.
const gpuFirst = probe.webgpu && (await probeWebGpu()).auto;

describe("native backend fallback", () => {
  afterEach(() => {
    delete process.env.SCULPT_NATIVE_DISABLE;
    vi.restoreAllMocks();
  });

  it("asking for native by name names the reason", async () => {
    process.env.SCULPT_NATIVE_DISABLE = "1";
    await expect(initBackend("native")).rejects.toThrow("native: disabled by SCULPT_NATIVE_DISABLE=1");
  });

  const wasmNext = condition(
    probe.tensorflow
      ? "@tensorflow/tfjs-node is installed, so auto takes it"
      : gpuFirst
        ? "auto takes this machine's GPU through WebGPU"
        : null,
  );
  it.skipIf(!wasmNext.ok)(wasmNext.title("auto picks wasm, says why in one line and notes it"), async () => {
    process.env.SCULPT_NATIVE_DISABLE = "1";
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      lines.push(args.join(" "));
    });
    const info = await initBackend("auto");
    expect(info.name).toBe("wasm");
    expect(info.notes).toContain("native: disabled by SCULPT_NATIVE_DISABLE=1");
    expect(lines).toEqual(["sculpt: native: disabled by SCULPT_NATIVE_DISABLE=1; using wasm"]);
  });
});
