/**
 * The Train view's session in Node (the same code its Web Worker runs): it pauses between steps,
 * applies a λ and a prior changed while paused (recorded as changes), exports a run folder that
 * `sculpt eval` reads, whose codes match re-encoding the evaluation inputs with the exported
 * encoder, and continues an imported run where it stopped.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { xy } from "../../core/data/xy.js";
import { evaluationSubset } from "../../core/data/split.js";
import { evaluateRun } from "../../node/evaluate.js";
import { readMatrix } from "../../node/npy-file.js";
import { loadRun } from "../../node/run.js";
import { useBackend } from "../../../test/helpers.js";
import { DEFAULT_FORM, formConfig } from "./config.js";
import { readRunFiles } from "./run-files.js";
import { TrainSession, type FigureFrame, type StepReport } from "./session.js";

const tmp = mkdtempSync(join(tmpdir(), "sculpt-session-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeFiles(dir: string, files: Record<string, Uint8Array>): void {
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
}

const form = { ...DEFAULT_FORM, limit: 48, channels: [4, 4], batchSize: 16, steps: 9, lr: 2e-3, lambda: 1, prior: "uniform(-1, 1)" };

describe("Train view session", () => {
  it("pauses, applies changes, exports a run folder that sculpt eval reads, and continues it", async () => {
    await useBackend("wasm");
    const config = formConfig(form, 48);
    const steps: StepReport[] = [];
    const frames: FigureFrame[] = [];
    let pausedAt = -1;
    const session: TrainSession = new TrainSession(
      {
        step: (s) => {
          steps.push(s);
          if (s.step === 4) session.pause();
        },
        figures: (f) => frames.push(f),
        paused: (step) => {
          pausedAt = step;
          // Export while paused, then resume with a new λ and prior.
          void session.exportFiles({ backend: "wasm" }).then((files) => {
            writeFiles(join(tmp, "paused"), files);
            session.resume({ lambda: 0.5, prior: "gaussian" });
          });
        },
      },
      { figureEvery: 3, figureRows: 40, reconCount: 4 },
    );
    expect(await session.run(config)).toBe("done");
    expect(pausedAt).toBe(4);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.every((s) => Number.isFinite(s.terms["loss/total"]) && s.totalSteps === 9)).toBe(true);
    // λ = 1 before the pause, 0.5 after: total = recon + λ·mmd.
    const lam = (s: StepReport) => (s.terms["loss/total"] - s.terms["loss/recon"]) / s.terms["loss/mmd"];
    expect(lam(steps[2])).toBeCloseTo(1, 4);
    expect(lam(steps[6])).toBeCloseTo(0.5, 4);
    expect(session.changes).toEqual([
      { step: 4, text: "λ 1 → 0.5" },
      { step: 4, text: "prior → gaussian" },
    ]);
    expect(frames.map((f) => f.step)).toEqual([0, 3, 4, 7, 9]); // every 3 steps from the last frame; one at the pause and the end;
    expect(frames[0].codes.rows).toBe(40);
    expect(frames[0].recon.length).toBe(2 * 4 * 84 * 84);

    const files = await session.exportFiles({ backend: "wasm" });
    expect(Object.keys(files).sort()).toEqual(
      [
        "changes.json",
        "checkpoint.bin",
        "config.json",
        "environment.json",
        "factors.npy",
        "history.jsonl",
        "latents.npy",
        "model/decoder/model.json",
        "model/decoder/weights.bin",
        "model/encoder/model.json",
        "model/encoder/weights.bin",
        "recon.npy",
        "status.json",
      ].sort(),
    );
    const dir = join(tmp, "done");
    writeFiles(dir, files);
    const exportedConfig = JSON.parse(new TextDecoder().decode(files["config.json"]));
    expect(exportedConfig.prior).toBe("gaussian");
    expect(exportedConfig.model.lambda).toBe(0.5);
    const metrics = await evaluateRun(dir, { backend: "wasm", only: ["fidelity", "mig"] });
    expect(Number.isFinite(metrics.values["fidelity.ks.max"] as number)).toBe(true);
    expect(Number.isFinite(metrics.values["mig.score"] as number)).toBe(true);
    // latents.npy = the exported encoder applied to the evaluation split.
    const run = await loadRun(dir, "wasm");
    const data = await xy.create({ split: "test", limit: 48 });
    const idx = evaluationSubset(data.size, run.config.evalLimit);
    const again = await run.encode(data.images(idx), idx.length);
    run.dispose();
    const latents = readMatrix(join(dir, "latents.npy"));
    expect(latents.rows).toBe(48);
    let worst = 0;
    for (let i = 0; i < again.data.length; i++) worst = Math.max(worst, Math.abs(again.data[i] - latents.data[i]));
    expect(worst).toBeLessThan(1e-4);

    // Continue the run exported at the pause (step 4) to 9 steps with its original λ and prior.
    const { readdirSync, readFileSync } = await import("node:fs");
    const pausedFiles: Record<string, Uint8Array> = {};
    const walk = (d: string, prefix = "") => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
        else pausedFiles[`run/${prefix}${e.name}`] = new Uint8Array(readFileSync(join(d, e.name)));
      }
    };
    walk(join(tmp, "paused"));
    const imported = readRunFiles(pausedFiles);
    expect(imported.checkpoint.step).toBe(4);
    expect(imported.config.prior).toBe("uniform(-1, 1)");
    const more: number[] = [];
    const cont = new TrainSession({ step: (s) => more.push(s.step) });
    expect(await cont.run(imported.config, imported)).toBe("done");
    expect(more).toEqual([5, 6, 7, 8, 9]);
    expect(cont.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    session.dispose();
    cont.dispose();
  });

  it("refuses a zip without a run folder, and runs on data sets the page cannot make", () => {
    expect(() => readRunFiles({ "x.txt": new Uint8Array(1) })).toThrow(/no config.json/);
    const cfg = new TextEncoder().encode(JSON.stringify({ ...formConfig(form, 48), dataset: "mnist" }));
    expect(() => readRunFiles({ "config.json": cfg })).toThrow(/cannot make/);
  });
});
