import { describe, expect, it } from "vitest";
import { readStoredTrainConfig, validateTrainConfig } from "./config.js";

const base = { dataset: "xy", model: { kind: "ae" }, latentDim: 2, convLayers: 4, epochs: 1 };

describe("training config: init and Adam ε", () => {
  it("defaults to PyTorch's initialisation and ε", () => {
    const c = validateTrainConfig(base);
    expect([c.init, c.adamEpsilon]).toEqual(["torch", 1e-8]);
  });

  it("reads a config.json written before the fields as it was trained (glorot, ε 1e-7)", () => {
    const c = readStoredTrainConfig(base);
    expect([c.init, c.adamEpsilon]).toEqual(["glorot", 1e-7]);
    const stored = readStoredTrainConfig({ ...base, init: "torch", adamEpsilon: 1e-8 });
    expect([stored.init, stored.adamEpsilon]).toEqual(["torch", 1e-8]);
  });

  it("refuses an unknown scheme, naming the field", () => {
    expect(() => validateTrainConfig({ ...base, init: "he" })).toThrow(/init/);
  });
});
