/** The dashboard draws each run's marginals against the prior its model pushes toward, if any. */
import { describe, expect, it } from "vitest";
import { runPrior } from "./run.js";
import type { RunDetail } from "../api-types.js";

const run = (config: Record<string, unknown>) => ({ config }) as unknown as RunDetail;

describe("runPrior", () => {
  it("is the configured prior for ae-mmd, N(0, I) for a VAE, and none for a plain AE", () => {
    expect(runPrior(run({ model: { kind: "ae-mmd" }, prior: "uniform(-2,2)" }), 2)?.description).toMatch(/U\(-2, 2\)|uniform/i);
    expect(runPrior(run({ model: { kind: "vae" }, prior: "gaussian" }), 3)?.description).toMatch(/^N\(0, 1²\)/);
    expect(runPrior(run({ model: { kind: "ae" }, prior: "gaussian" }), 2)).toBeNull();
  });
});
