/**
 * Run folders end to end: a killed run resumed from its checkpoint ends exactly where an
 * uninterrupted run with the same seed ends; a finished folder is refused without --resume.
 */
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { trainRun, type UserTrainConfig } from "../src/node/train.js";
import { readMatrix } from "../src/node/npy-file.js";

const tiny: UserTrainConfig = {
  dataset: "xy",
  model: "ae-mmd",
  prior: "uniform(-1,1)",
  datasetOptions: { limit: 32 },
  convLayers: 2,
  channels: [4, 8],
  epochs: 2.5, // 2 steps an epoch: 5 steps, the last epoch half long
  batchSize: 16,
  seed: 3,
  checkpointEvery: 1,
  evalLimit: 16,
};

describe("trainRun", { timeout: 400_000 }, () => {
  it("resumes a killed run to the same result as an uninterrupted one", async () => {
    const root = mkdtempSync(join(tmpdir(), "sculpt-resume-"));
    const whole = join(root, "whole");
    const split = join(root, "split");
    await trainRun(tiny, { outDir: whole, backend: "wasm" });

    // Kill mid-epoch 2 (2 steps per epoch): abort after step 3, just after its mid-epoch checkpoint.
    const stop = new AbortController();
    await expect(
      trainRun(tiny, {
        outDir: split,
        backend: "wasm",
        signal: stop.signal,
        reporters: [{ onStepEnd: (s) => s.step === 3 && stop.abort() }],
      }),
    ).rejects.toThrow(/interrupted/);
    expect(JSON.parse(readFileSync(join(split, "status.json"), "utf8")).state).toBe("failed");
    const resumed = await trainRun({ dataset: "", model: "" }, { outDir: split, backend: "wasm", resume: true });
    expect(resumed.epochs).toBe(2.5);

    const a = readMatrix(join(whole, "latents.npy"));
    const b = readMatrix(join(split, "latents.npy"));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    const history = (dir: string) =>
      readFileSync(join(dir, "history.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, number>);
    expect(history(split).map((r) => r.step)).toEqual([2, 4, 5]);
    expect(history(split)[2]["loss/total"]).toBe(history(whole)[2]["loss/total"]);
  });

  it("refuses to overwrite a run folder, and bad flags before training", async () => {
    const root = mkdtempSync(join(tmpdir(), "sculpt-refuse-"));
    const dir = join(root, "r");
    await trainRun({ ...tiny, epochs: 1 }, { outDir: dir, backend: "wasm" });
    await expect(trainRun({ ...tiny, epochs: 1 }, { outDir: dir, backend: "wasm" })).rejects.toThrow(/already holds a run.*--resume/);
    await expect(trainRun({ ...tiny, model: "vae" }, { outDir: join(root, "v"), backend: "wasm" })).rejects.toThrow(
      /does not use a programmable prior/,
    );
    await expect(
      trainRun({ ...tiny, prior: "hybrid[gaussian, uniform, gaussian]" }, { outDir: join(root, "p"), backend: "wasm" }),
    ).rejects.toThrow(/3 dimensions but the latent size is 2/);
    expect(existsSync(join(root, "p", "checkpoint.bin"))).toBe(false);
    await expect(trainRun({ ...tiny, convLayers: 3 }, { outDir: join(root, "c"), backend: "wasm" })).rejects.toThrow(
      /--depth 3 does not match 2 --channels/,
    );
  });
});
