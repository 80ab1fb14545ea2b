/**
 * `npm run bench -- train`: training throughput (images/s) of the paper's networks for dSprites
 * (64×64, 6 layers, d = 5) and XY (84×84, 6 layers, d = 2) as AE-MMD at batch 64 and 512, on the
 * chosen backend (SCULPT_BACKEND, default auto), beside PyTorch 1.13 running the same architecture
 * file (../shared/bench/torch_reference.py, 1 and 2 threads) when Debian's python3-torch is there.
 * The ratio is sculpt's images/s over the better PyTorch run. Also the peak RSS of a dSprites
 * batch-512 training loop (target: under 2 GB).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../src/core/tf.js";
import { archFor } from "../src/node/arch.js";
import { initBackend } from "../src/node/backend.js";
import { loadDataset } from "../src/node/data/index.js";
import { createPrior } from "../src/core/priors/index.js";
import { validateTrainConfig } from "../src/core/train/config.js";
import { createTrainable } from "../src/core/train/train.js";
import { Rng } from "../src/core/random.js";
import { presetFor } from "../src/core/nets/presets.js";

const TORCH = join(import.meta.dirname, "..", "..", "shared", "bench", "torch_reference.py");
const STEPS = Number(process.env.BENCH_STEPS ?? 6);

function torchImagesPerSecond(arch: object, batch: number, threads: number): number | null {
  const dir = mkdtempSync(join(tmpdir(), "sculpt-bench-"));
  const file = join(dir, "arch.json");
  writeFileSync(file, JSON.stringify({ ...arch, batch }));
  try {
    const out = execFileSync(
      "/usr/bin/python3",
      [TORCH, file, "--batch", String(batch), "--steps", String(STEPS), "--threads", String(threads)],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 600_000,
      },
    );
    return (JSON.parse(out.trim().split("\n").pop()!) as { imagesPerSecond: number }).imagesPerSecond;
  } catch {
    return null;
  }
}

function hasTorch(): boolean {
  if (!existsSync("/usr/bin/python3") || !existsSync(TORCH)) return false;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function sculptImagesPerSecond(dataset: string, batch: number): Promise<number> {
  const data = await loadDataset(dataset, { split: "train" });
  const preset = presetFor(dataset, data.shape);
  const config = validateTrainConfig({
    dataset,
    model: { kind: "ae-mmd" },
    latentDim: preset.latentDim,
    convLayers: preset.convLayers,
    epochs: 1,
    batchSize: batch,
  });
  const t = createTrainable(config, data.shape, data.size);
  const prior = createPrior("gaussian", { dim: preset.latentDim });
  const [h, w, c] = data.shape;
  const rng = new Rng(0);
  const step = () => {
    const idx = Array.from({ length: batch }, () => rng.int(data.size));
    tf.tidy(() => {
      const x = tf.tensor4d(data.images(idx), [batch, h, w, c]);
      t.optimizer.minimize(() => t.model.loss({ x, nets: t.nets, rng, prior }).total, false);
    });
  };
  step(); // warm-up: kernels compile, Adam creates its slots
  const t0 = performance.now();
  for (let s = 0; s < STEPS; s++) step();
  const seconds = (performance.now() - t0) / 1000;
  t.dispose();
  return (STEPS * batch) / seconds;
}

export async function run(): Promise<object> {
  const backend = await initBackend(process.env.SCULPT_BACKEND ?? "auto");
  const torch = hasTorch();
  const results: object[] = [];
  let dspritesPeakRssMB = 0;
  for (const dataset of ["dsprites", "xy"]) {
    for (const batch of [64, 512]) {
      const ips = await sculptImagesPerSecond(dataset, batch);
      const row: Record<string, unknown> = { dataset, batch, backend: backend.name, sculptImagesPerSecond: ips };
      if (torch) {
        const arch = await archFor({ dataset, model: "ae-mmd" });
        const spec = { ...arch, regularizer: { kind: "mmd", weight: 0.3 } };
        const t1 = torchImagesPerSecond(spec, batch, 1);
        const t2 = torchImagesPerSecond(spec, batch, 2);
        const best = Math.max(t1 ?? 0, t2 ?? 0);
        Object.assign(row, {
          torch1ThreadImagesPerSecond: t1,
          torch2ThreadsImagesPerSecond: t2,
          ratioToBestTorch: best > 0 ? ips / best : null,
        });
      }
      results.push(row);
    }
    // maxRSS only grows, and dSprites runs first: this is the dSprites (batch 64 and 512) peak.
    if (dataset === "dsprites") dspritesPeakRssMB = process.resourceUsage().maxRSS / 1024;
  }
  return { steps: STEPS, torchAvailable: torch, dspritesPeakRssMB, peakRssTargetMB: 2048, results };
}
