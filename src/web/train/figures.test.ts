/** The Train view's form → config, and its live figures as data. */
import { describe, expect, it } from "vitest";
import { matrix } from "../../core/matrix.js";
import { createPrior } from "../../core/priors/index.js";
import { Rng } from "../../core/random.js";
import { DEFAULT_FORM, configSteps, formConfig, parseChannels } from "./config.js";
import { fidelityReading, lossCurvesSpec, thinLoss } from "./figures.js";

describe("Train view config", () => {
  it("puts λ and the kernel into the model config where the model has them, and steps into epochs", () => {
    const c = formConfig({ ...DEFAULT_FORM, channels: [8, 8, 16, 16], steps: 100, batchSize: 64, lambda: 2, kernel: "imq" }, 2809);
    expect(c.model).toMatchObject({ kind: "ae-mmd", lambda: 2, kernel: "imq" });
    expect(c.convLayers).toBe(4);
    expect(configSteps(c, 2809)).toBe(100);
    const vae = formConfig({ ...DEFAULT_FORM, model: "vae" }, 2809);
    expect(vae.model).not.toHaveProperty("lambda");
    expect(vae.prior).toBe("gaussian");
    expect(() => formConfig({ ...DEFAULT_FORM, steps: 0 }, 100)).toThrow(/steps/);
  });

  it("parses network widths and refuses bad ones", () => {
    expect(parseChannels("8, 8 16,16")).toEqual([8, 8, 16, 16]);
    for (const bad of ["", "8, x", "0", "1,2,3,4,5,6,7", "999"]) expect(() => parseChannels(bad)).toThrow(/widths/);
  });
});

describe("Train view figures", () => {
  it("thins long loss series by averaging, keeping the last step of each chunk", () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, term: "loss/total", value: i }));
    const thin = thinLoss(pts, 400);
    expect(thin.length).toBe(334);
    expect(thin[0]).toEqual({ step: 3, term: "loss/total", value: 1 });
  });

  it("draws one chart per term with the changes as rules", () => {
    const pts = [1, 2, 3].flatMap((s) => [
      { step: s, term: "loss/total", value: 1 / s },
      { step: s, term: "loss/mmd", value: 0.1 / s },
    ]);
    const spec = lossCurvesSpec(pts, [{ step: 2, text: "λ 0.3 → 1" }]) as unknown as {
      concat: { title: { text: string }; layer: { data: { values: unknown[] } }[] }[];
    };
    expect(spec.concat.map((c) => c.title.text)).toEqual(["loss/total", "loss/mmd"]);
    expect(spec.concat[0].layer[1].data.values).toEqual([{ step: 2, text: "λ 0.3 → 1" }]);
  });

  it("reads a small KS for codes drawn from the prior and a large one for collapsed codes", () => {
    const prior = createPrior("uniform(-1, 1)", { dim: 2 });
    const good = prior.sample(400, new Rng(9));
    const r = fidelityReading(good, prior);
    expect(r.ks).toHaveLength(2);
    expect(r.ksMax).toBeLessThan(0.15);
    expect(r.lps).not.toBeNull();
    const collapsed = matrix(400, 2, new Float32Array(800).fill(0.1));
    expect(fidelityReading(collapsed, prior).ksMax).toBeGreaterThan(0.4);
  });
});
