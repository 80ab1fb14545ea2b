import { describe, expect, it } from "vitest";
import { resolveKernelConfig, storedKernel } from "./kernels/index.js";
import { resolveModelConfig } from "./models/index.js";

describe("model and kernel options in the spec grammar", () => {
  it("parses options over the schema's defaults", () => {
    expect(resolveModelConfig("beta-vae(beta=8)")).toEqual({ kind: "beta-vae", beta: 8 });
    expect(resolveModelConfig("beta-vae")).toEqual({ kind: "beta-vae", beta: 4 });
    expect(resolveModelConfig("factor-vae(gamma=20)")).toMatchObject({ kind: "factor-vae", gamma: 20 });
    expect(resolveModelConfig("ae-mmd(stochastic=true, lambda=1)")).toMatchObject({ stochastic: true, lambda: 1 });
    expect(resolveModelConfig("dgae(alpha=1|1|0.001)")).toMatchObject({ alpha: [1, 1, 0.001] });
    expect(resolveKernelConfig("imq(scales=0.1|1|10)")).toEqual({ kind: "imq", scales: [0.1, 1, 10], sigma: "median" });
    // A list option given one number is a list of one.
    expect(resolveKernelConfig("imq(scales=2)")).toMatchObject({ scales: [2] });
    // A bare name is stored as the name; options as the parsed config.
    expect(storedKernel("imq")).toBe("imq");
    expect(storedKernel("rbf(sigma=2)")).toEqual({ kind: "rbf", sigma: 2 });
  });

  it("points at each kind of mistake", () => {
    const at = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error("expected a refusal");
    };
    expect(at(() => resolveModelConfig("beta-vae(bta=8)"))).toMatch(
      /bad model spec at position 10: expected an option of beta-vae: beta\n {2}beta-vae\(bta=8\)\n {11}\^/,
    );
    expect(at(() => resolveModelConfig("beta-vae(beta=-1)"))).toMatch(/position 10: expected beta: too small/);
    expect(at(() => resolveModelConfig("beta-vae(8)"))).toMatch(/position 10: expected options as name=value \(beta\)/);
    expect(at(() => resolveModelConfig("beta-vae(beta=8"))).toMatch(/bad model spec at position 16: expected ',' or '\)'/);
    expect(at(() => resolveModelConfig("gaussian*2"))).toMatch(/unknown model 'gaussian' at position 1/);
    expect(at(() => resolveKernelConfig("nope"))).toMatch(/unknown kernel 'nope' at position 1/);
    expect(at(() => resolveKernelConfig("imq(scale=1)"))).toMatch(
      /bad kernel spec at position 5: expected an option of imq: scales, sigma/,
    );
    // The object form refuses unknown options too (zod alone would drop them silently).
    expect(at(() => resolveModelConfig({ kind: "beta-vae", bta: 8 }))).toMatch(/model beta-vae has no option bta/);
  });
});
