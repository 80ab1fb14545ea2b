/**
 * `init: "torch"` draws every weight and bias from U(±1/√fan_in) as PyTorch's Linear, Conv2d and
 * ConvTranspose2d do (a transposed conv's fan-in is out·k·k there); `glorot` keeps Keras' scheme.
 */
import { describe, expect, it } from "vitest";
import { initBackend } from "../../node/backend.js";
import { convAutoencoder } from "./arch.js";
import { buildNetworks } from "./build.js";

const arch = convAutoencoder({ shape: [21, 21, 1], latentDim: 2, channels: [4, 8], hidden: 16 });

/** Each weight tensor's shape and largest absolute value, encoder then decoder. */
async function ranges(init: "torch" | "glorot") {
  await initBackend("cpu");
  const nets = buildNetworks(arch, 1, 2, init);
  const out = [...nets.encoder.getWeights(), ...nets.decoder.getWeights()].map((w) => ({
    shape: w.shape,
    size: w.size,
    max: Math.max(...Array.from(w.dataSync(), Math.abs)),
  }));
  nets.encoder.dispose();
  nets.decoder.dispose();
  return out;
}

describe("weight initialisation", () => {
  it("torch: weights and biases fill ±1/√fan_in", async () => {
    // PyTorch's fan_in per layer (kernel and bias alike): conv 1→4 (k 4) 1·16, conv 4→8 4·16,
    // dense 288→16, dense 16→2, dense 2→16, dense 16→288, transposed conv 8→4 out·k·k = 4·16,
    // transposed conv 4→1 1·16.
    const fanIn = [16, 64, 288, 16, 2, 16, 64, 16].flatMap((f) => [f, f]);
    const got = await ranges("torch");
    expect(got).toHaveLength(fanIn.length);
    got.forEach(({ shape, size, max }, i) => {
      const bound = 1 / Math.sqrt(fanIn[i]);
      expect(max, `tensor ${i} [${shape}]`).toBeLessThanOrEqual(bound * (1 + 1e-6));
      // Drawn over the whole range (a smaller fan-in's bound would show): 0.85^32 < 1e-2 by chance.
      if (size >= 32) expect(max, `tensor ${i} [${shape}]`).toBeGreaterThan(bound * 0.85);
    });
  });

  it("glorot: zero biases, as runs trained before the option", async () => {
    const got = await ranges("glorot");
    got.filter((_, i) => i % 2 === 1).forEach(({ max }) => expect(max).toBe(0));
  });
});
