/**
 * `sculpt demo` on a tiny network and a few XY images: the plan follows the backend, the child
 * processes' runs do not depend on how many train at once, the AE has no KS number and its report
 * section says "no prior".
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoPlan, demoTable, describePlan, runDemo, trainDemoRuns, DEMO_RUNS } from "./demo.js";

const TINY = { convLayers: 2, channels: [4, 8], datasetOptions: { limit: 64 }, evalLimit: 64, batchSize: 32 };
const tmp = mkdtempSync(join(tmpdir(), "sculpt-demo-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("sculpt demo", () => {
  it("plans the paper's network with native kernels and a lighter one, three at once, without", () => {
    const native = demoPlan("native");
    expect([native.channels, native.parallel, native.epochs]).toEqual([undefined, 2, 10]);
    expect(describePlan(native)).toBe(
      "backend native, the paper's network (channels 32-32-64-64), Glorot initialisation, 2 runs at once, 10 epochs",
    );
    for (const b of ["wasm", "cpu"]) {
      const slow = demoPlan(b);
      expect([slow.channels, slow.parallel, slow.epochs]).toEqual([[16, 16, 32, 32], 3, 10]);
      expect(describePlan(slow)).toContain("lighter network (channels 16-16-32-32), Glorot initialisation, 3 runs at once");
    }
  });

  it("trains the same runs whether they train one or three at once", { timeout: 120_000 }, async () => {
    const latents = async (out: string, parallel: number) => {
      const dirs = await trainDemoRuns({ out, plan: { ...demoPlan("wasm"), parallel, epochs: 1 }, train: TINY });
      // Every run trains from the plan's initialisation, recorded in its config.
      for (const d of dirs) expect((JSON.parse(readFileSync(join(d, "config.json"), "utf8")) as { init: string }).init).toBe("glorot");
      return dirs.map((d) => readFileSync(join(d, "latents.npy")));
    };
    const [one, three] = [await latents(join(tmp, "p1"), 1), await latents(join(tmp, "p3"), 3)];
    expect(one).toHaveLength(DEMO_RUNS.length);
    for (const [i, l] of one.entries()) expect(l.equals(three[i])).toBe(true);
    // The AE and AE-MMD codes differ: the runs are not one model three times.
    expect(one[0].equals(one[1])).toBe(false);
  });

  it("tables and reports the runs: KS only where there is a prior, 'no prior' for the AE", { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    const out = join(tmp, "p3");
    const r = await runDemo({ out, backend: "wasm", epochs: 1, train: TINY, onProgress: (l) => lines.push(l) });
    expect(lines[0]).toBe(`plan: ${describePlan({ ...demoPlan("wasm"), epochs: 1 })}`);
    expect(lines).toContain("ae: already trained");
    expect(r.rows.map((x) => typeof x.values["fidelity.ks.max"])).toEqual(["undefined", "number", "number"]);
    const table = demoTable(r.rows).split("\n");
    expect(table[2].trim().split(/\s+/).at(-2)).toBe("–");
    const html = readFileSync(r.report, "utf8");
    const ae = html.slice(html.indexOf('id="ae-latents"'), html.indexOf('id="ae-mmd-gaussian-latents"'));
    expect(ae).toContain("no prior");
    expect(ae).not.toContain("prior density");
    expect(html.slice(html.indexOf('id="ae-mmd-gaussian-latents"'))).toContain("prior density");
  });
});
