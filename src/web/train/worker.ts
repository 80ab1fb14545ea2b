/**
 * The Train view's Web Worker (bundled as train-worker.js): starts a TensorFlow.js backend, runs
 * one TrainSession and relays its events, so the page's own thread only draws. Exports are zipped
 * here (fflate) and transferred.
 */
import "@tensorflow/tfjs"; // gradients and layers (tfjs-core alone has no gradient definitions)
import { unzipSync } from "fflate";
import { SYNTHETIC_DATASETS, inMemoryDataset, type SyntheticDatasetName } from "../../core/data/index.js";
import { SculptError } from "../../core/registry.js";
import * as tf from "../../core/tf.js";
import { startBackend } from "./backends.js";
import { configSteps } from "./config.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { readRunFiles, runZip } from "./run-files.js";
import { TrainSession } from "./session.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
let session: TrainSession | null = null;
let backend = "";
let backendNotes: string[] = [];

function newSession(figureEvery: number, started: (totalSteps: number, startStep: number) => void): TrainSession {
  return new TrainSession(
    {
      started: ({ totalSteps, startStep }) => started(totalSteps, startStep),
      step: (s) => post({ type: "step", ...s }),
      figures: (f) => post({ type: "figures", ...f }, [f.codes.data.buffer, f.recon.buffer]),
      epoch: (record) => post({ type: "epoch", record }),
      paused: (step) => post({ type: "paused", step }),
      change: (change) => post({ type: "change", change }),
      warning: (message) => post({ type: "warning", message }),
    },
    { figureEvery },
  );
}

async function run(msg: Extract<ToWorker, { type: "start" | "import" }>): Promise<void> {
  if (session) throw new Error("a run is already loaded; reload the page for another");
  const started = await startBackend(msg.backend, msg.base);
  backend = started.name;
  backendNotes = started.notes;
  post({ type: "backend", ...started });
  let config = msg.type === "start" ? msg.config : null;
  let from: Parameters<TrainSession["run"]>[1];
  if (msg.type === "import") {
    const imported = readRunFiles(unzipSync(msg.zip));
    from = imported;
    config = imported.config;
    const entry = SYNTHETIC_DATASETS[config.dataset as SyntheticDatasetName];
    if (!entry)
      throw new SculptError(
        `this run trained on '${config.dataset}', which the page cannot make`,
        "continue it in Node (`sculpt train --resume`)",
      );
    if (msg.steps !== null) {
      // Train to `steps` in all: the epoch count is the only length a config has.
      const data = await entry.create({ ...config.datasetOptions, split: "train" });
      const perEpoch = configSteps({ ...config, epochs: 1 }, data.size);
      config = { ...config, epochs: Math.max(msg.steps, imported.checkpoint.step + 1) / perEpoch };
    }
  }
  const s = (session = newSession(msg.figureEvery, (totalSteps, startStep) =>
    post({ type: "started", config: config!, totalSteps, history: from?.history ?? [], changes: from?.changes ?? [], startStep }),
  ));
  const images = msg.type === "start" && msg.images ? inMemoryDataset({ name: msg.images.root, ...msg.images }) : undefined;
  const state = await s.run(config!, from, images);
  post({ type: "end", state, step: s.totalSteps });
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case "start":
    case "import":
      return run(msg);
    case "pause":
      return session?.pause();
    case "resume":
      session?.resume({ lambda: msg.lambda, prior: msg.prior });
      return post({ type: "resumed" });
    case "stop":
      return session?.stop();
    case "traverse": {
      if (!session) throw new Error("nothing trained yet");
      return post({ type: "traversal", grid: await session.traversals() });
    }
    case "export": {
      if (!session) throw new Error("nothing trained yet");
      const files = await session.exportFiles({
        sculpt: "browser",
        tfjs: tf.version_core,
        backend,
        backendNotes,
        browser: navigator.userAgent,
        cores: navigator.hardwareConcurrency,
        exportedAt: new Date().toISOString(),
      });
      const name = `sculpt-${session.config.dataset}-${session.config.model.kind}-step${session.step}`;
      const zip = runZip(name, files);
      return post({ type: "export", zip, name }, [zip.buffer]);
    }
  }
}

self.addEventListener("message", (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) => post({ type: "error", message: err instanceof Error ? err.message : String(err) }));
});
