/**
 * Run folders end to end: a killed run resumed from its checkpoint ends exactly where an
 * uninterrupted run with the same seed ends; a finished folder is refused without --resume; a run
 * of the user's own networks loads back as trained.
 */
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";
import type { CustomNetworks } from "../src/core/nets/custom.js";
import { evaluationSubset } from "../src/core/data/split.js";
import { trainRun, type UserTrainConfig } from "../src/node/train.js";
import { loadRun } from "../src/node/run.js";
import { loadDataset } from "../src/node/data/index.js";
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

/** Small dense networks of the user's own; `codes` overrides the encoder's output size. */
const dense =
  (codes?: number): CustomNetworks =>
  ({ shape, encoderOutputs }) => ({
    encoder: [
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 8, activation: "relu" }),
      tfl.layers.dense({ units: codes ?? encoderOutputs }),
    ],
    decoder: [tfl.layers.dense({ units: shape[0] * shape[1] * shape[2] }), tfl.layers.reshape({ targetShape: [...shape] })],
  });

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
    await expect(trainRun({ dataset: "", model: "" }, { outDir: dir, backend: "wasm", resume: true, networks: dense() })).rejects.toThrow(
      /trained with the data set's default network/,
    );
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

  it("trains the user's own networks into a folder that loadRun reads back as trained", async () => {
    const root = mkdtempSync(join(tmpdir(), "sculpt-custom-"));
    const dir = join(root, "r");
    const { channels: _c, convLayers: _l, ...own } = tiny;
    // Validate, then write: networks of the wrong size, or beside a default network's layout, leave no folder.
    await expect(trainRun({ ...own, epochs: 1 }, { outDir: dir, backend: "wasm", networks: dense(3) })).rejects.toThrow(
      /encoder maps \[84,84,1\] to \[3\], but this model needs \[84,84,1\] → \[2\]/,
    );
    await expect(trainRun({ ...tiny, epochs: 1 }, { outDir: dir, backend: "wasm", networks: dense() })).rejects.toThrow(
      /channels and convLayers describe the default network/,
    );
    expect(existsSync(dir)).toBe(false);

    await trainRun({ ...own, epochs: 1 }, { outDir: dir, backend: "wasm", networks: dense() });
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    expect(config.network).toBe("custom");
    expect(config.channels).toBeUndefined();

    // Reloaded from the saved models (not rebuilt from the config): the same codes as at the end of training.
    const run = await loadRun(dir, "wasm");
    try {
      expect(run.shape).toEqual([84, 84, 1]);
      const latents = readMatrix(join(dir, "latents.npy"));
      const test = await loadDataset("xy", { limit: 32, split: "test" });
      // latents.npy holds the evaluation subset's rows, in its order.
      const rows = Array.from(evaluationSubset(test.size, tiny.evalLimit)).slice(0, 4);
      const n = rows.length;
      const codes = await run.encode(test.images(rows), n);
      for (let i = 0; i < n * 2; i++) expect(codes.data[i]).toBeCloseTo(latents.data[i], 5);
    } finally {
      run.dispose();
    }

    // Resuming needs the same networks (the command line cannot give them).
    await expect(trainRun({ dataset: "", model: "" }, { outDir: dir, backend: "wasm", resume: true })).rejects.toThrow(
      /own encoder and decoder.*same `networks`/,
    );
  });
});
