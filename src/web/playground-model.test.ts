/** The playground's computations: spec errors as messages, MMD that separates priors, the scatter and relabelled marginals. */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "../core/tf.js";
import { Rng } from "../core/random.js";
import { createPrior } from "../core/priors/index.js";
import { initBackend } from "../node/backend.js";
import {
  boundedInt,
  mmdToCodes,
  moments,
  playgroundMarginalsSpec,
  priorFromText,
  relabelSeries,
  scatterSpec,
  subsample,
} from "./playground-model.js";

beforeAll(async () => {
  await initBackend("cpu");
});

describe("priorFromText", () => {
  it("builds a prior at the asked latent size, broadcasting 1-D priors", () => {
    const r = priorFromText("gmm(-2|2, 0.5)", 3);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.prior.dim).toBe(3);
  });

  it("returns the parser's message with the position and a caret for a syntax error", () => {
    const r = priorFromText("hybrid[gaussian, gmm(-2|2 0.5)]", 2);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain("expected");
      expect(r.message).toContain("position 27");
      // The caret sits under the offending character of the echoed spec.
      const lines = r.message.split("\n");
      const specLine = lines.find((l) => l.includes("hybrid["))!;
      const caretLine = lines[lines.indexOf(specLine) + 1];
      expect(specLine[caretLine.indexOf("^")]).toBe("0");
    }
  });

  it("turns unknown names, wrong dimensions, empty text and file-backed priors into messages", () => {
    const cases: [string, number, RegExp][] = [
      ["gausian", 2, /unknown prior 'gausian'/],
      ["mvn(0|0, 1|0;0|1)", 3, /2 dimensions but the latent size is 3/],
      ["   ", 2, /type a prior spec/],
      ["empirical(z.npy)", 2, /reads a file/],
    ];
    for (const [spec, dim, message] of cases) {
      const r = priorFromText(spec, dim);
      expect(r.ok, spec).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
  });
});

describe("mmdToCodes", () => {
  it("is near zero for codes drawn from the prior and large for codes from another one, leaking no tensors", () => {
    const prior = createPrior("gaussian", { dim: 2 });
    const samples = prior.sample(600, new Rng(1));
    const same = prior.sample(600, new Rng(2));
    const shifted = createPrior("gaussian(3, 1)", { dim: 2 }).sample(600, new Rng(3));
    const before = tf.memory().numTensors;
    const a = mmdToCodes(same, samples, 300);
    const b = mmdToCodes(shifted, samples, 300);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.rows).toEqual([300, 300]);
    expect(Number.isFinite(a.mmd2) && Number.isFinite(b.mmd2)).toBe(true);
    expect(a.mmd2).toBeLessThan(0.02);
    expect(b.mmd2).toBeGreaterThan(20 * Math.max(a.mmd2, 1e-3));
    expect(a.bandwidth).toBeGreaterThan(0);
  });

  it("refuses codes and samples of different sizes", () => {
    const x = createPrior("gaussian", { dim: 2 }).sample(10, new Rng(0));
    const y = createPrior("gaussian", { dim: 3 }).sample(10, new Rng(0));
    expect(() => mmdToCodes(x, y)).toThrow(/2 dimensions but the prior has 3/);
  });
});

describe("figures and helpers", () => {
  const samples = createPrior("uniform(-1, 1)", { dim: 3 }).sample(2000, new Rng(5));

  it("scatters the chosen dimensions, samples below the codes, at most maxPoints each", () => {
    const codes = createPrior("gaussian", { dim: 3 }).sample(50, new Rng(6));
    const spec = scatterSpec(samples, codes, 2, 0, 500) as unknown as { data: { values: { x: number; y: number; set: string }[] } };
    const rows = spec.data.values;
    expect(rows.filter((r) => r.set === "prior samples")).toHaveLength(500);
    expect(rows.filter((r) => r.set === "run codes")).toHaveLength(50);
    expect(rows[rows.length - 1].set).toBe("run codes");
    // Row 0 of the codes, dimensions z3 (x) and z1 (y).
    const firstCode = rows.find((r) => r.set === "run codes")!;
    expect(firstCode.x).toBeCloseTo(codes.data[2], 6);
    expect(firstCode.y).toBeCloseTo(codes.data[0], 6);
    expect(() => scatterSpec(samples, null, 0, 3)).toThrow(/dimension 4/);
  });

  it("labels the bars 'samples' without a run and 'codes' with one", () => {
    const prior = createPrior("uniform(-1, 1)", { dim: 3 });
    const alone = JSON.stringify(playgroundMarginalsSpec(prior, samples, null));
    expect(alone).toContain('"samples"');
    expect(alone).not.toContain('"codes"');
    expect(alone).toContain("datum.series === 'samples'");
    const withRun = JSON.stringify(playgroundMarginalsSpec(prior, samples, samples));
    expect(withRun).toContain('"codes"');
  });

  it("shows at most maxDims marginals", () => {
    const prior = createPrior("gaussian", { dim: 12 });
    const many = prior.sample(100, new Rng(0));
    const spec = playgroundMarginalsSpec(prior, many, null, 4) as unknown as { concat: unknown[]; title: string };
    expect(spec.concat).toHaveLength(4);
    expect(spec.title).toContain("first 4 of 12");
  });

  it("relabels series values, domains and filters only", () => {
    const spec = {
      data: {
        values: [
          { series: "codes", x: 1 },
          { series: "prior", x: 2 },
        ],
      },
      filter: "datum.series === 'codes'",
      domain: ["codes", "prior"],
      title: "codes",
    };
    expect(relabelSeries(spec, "codes", "samples")).toEqual({
      data: {
        values: [
          { series: "samples", x: 1 },
          { series: "prior", x: 2 },
        ],
      },
      filter: "datum.series === 'samples'",
      domain: ["samples", "prior"],
      title: "codes",
    });
  });

  it("computes moments, subsamples deterministically and bounds integers", () => {
    const m = moments(samples);
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(m.mean[j])).toBeLessThan(0.06);
      expect(m.std[j]).toBeCloseTo(2 / Math.sqrt(12), 1);
    }
    const a = subsample(samples, 100, 3);
    expect(a.rows).toBe(100);
    expect(Array.from(subsample(samples, 100, 3).data)).toEqual(Array.from(a.data));
    expect(subsample(samples, 5000, 3)).toBe(samples);
    expect(boundedInt("12", "samples", 2, 20)).toBe(12);
    for (const bad of ["1", "21", "2.5", "x", ""])
      expect(() => boundedInt(bad, "samples", 2, 20)).toThrow(/samples must be a whole number from 2 to 20/);
  });
});
