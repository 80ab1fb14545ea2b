/** The dashboard's run table shows each metric's headline key, as the metric registry declares it. */
import { describe, expect, it } from "vitest";
import { METRICS } from "../../core/metrics/index.js";
import type { RunSummary } from "../api-types.js";
import { headlineMetrics } from "./runs-table.js";

const run = (id: string, metrics: Record<string, number>): RunSummary => ({ id, name: id, files: [], metrics });

describe("headlineMetrics", () => {
  it("takes each metric's registry headline, in registry order, that some run has", () => {
    // Every scalar key of these metrics, so only the registry's headline choice narrows them.
    const all = (names: (keyof typeof METRICS)[]) =>
      Object.fromEntries(names.flatMap((n) => Object.keys(METRICS[n].keys)).map((k, i) => [k, i]));
    const runs = [run("a", all(["fidelity", "mig", "dci"])), run("b", all(["nmse", "sap"])), run("c", { "not.a.metric": 1 })];
    expect(headlineMetrics(runs, 10)).toEqual(["nmse.db", "mig.score", "sap.discrete", "dci.disentanglement", "fidelity.ks.max"]);
    expect(headlineMetrics(runs)).toEqual(["nmse.db", "mig.score", "sap.discrete", "dci.disentanglement"]);
    expect(headlineMetrics(runs, 1)).toEqual(["nmse.db"]);
  });

  it("follows the registry: every entry's headline is one of its keys and is picked when present", () => {
    for (const [name, entry] of Object.entries(METRICS)) {
      expect(Object.keys(entry.keys), name).toContain(entry.headline);
      expect(headlineMetrics([run("r", { [entry.headline]: 1, "other.key": 2 })])).toEqual([entry.headline]);
    }
  });

  it("shows no metric columns for runs without metrics, or with keys no metric declares", () => {
    expect(headlineMetrics([run("a", {}), run("b", { "mig.perDim": 0.5, lps: 1 })])).toEqual([]);
  });
});
