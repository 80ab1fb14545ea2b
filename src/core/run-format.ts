/**
 * The run folder: everything one training run leaves behind, round-trippable (STYLE §12).
 *
 *   RUN/config.json        the resolved TrainConfig (plain data; rebuilds the run via the registries)
 *   RUN/environment.json   versions, backend, CPU, start time
 *   RUN/history.jsonl      one JSON object per epoch (HistoryRecord)
 *   RUN/model/encoder/     TensorFlow.js layers format (model.json + weights), loadable in a browser
 *   RUN/model/decoder/
 *   RUN/latents.npy        float32 [N, d]: encoder means of the evaluation set
 *   RUN/factors.npy        int64 [N, K]: the evaluation set's factor class indices (when it has factors)
 *   RUN/recon.npy          float32 [2, 16, H, W, C]: 16 evaluation inputs and their reconstructions
 *   RUN/metrics.json       written by `sculpt eval`
 *   RUN/status.json        RunStatus
 *   RUN/checkpoint/        latest checkpoint (weights, optimiser state, RNG state, epoch/step)
 */
export const RUN_FILES = {
  config: "config.json",
  environment: "environment.json",
  history: "history.jsonl",
  encoder: "model/encoder",
  decoder: "model/decoder",
  latents: "latents.npy",
  factors: "factors.npy",
  recon: "recon.npy",
  metrics: "metrics.json",
  status: "status.json",
  checkpoint: "checkpoint",
} as const;

export interface HistoryRecord {
  epoch: number;
  step: number;
  /** Namespaced loss terms, e.g. "loss/total", "loss/recon", "loss/mmd". */
  [key: string]: number;
}

export interface RunStatus {
  state: "running" | "done" | "failed";
  epoch: number;
  step: number;
  message?: string;
  /** Set when the codes collapsed (variance → 0) during training. */
  collapse?: { epoch: number; minVariance: number };
}

export interface EnvironmentInfo {
  sculpt: string;
  node: string;
  tfjs: string;
  backend: string;
  backendNotes: string[];
  cpu: string;
  cores: number;
  platform: string;
  startedAt: string;
}

/**
 * The records of a history.jsonl text: each line a JSON object; any other line (cut short by a
 * crash, `null`, an array, bytes that are not text) is counted as bad instead.
 */
export function parseHistory(text: string): { history: Record<string, unknown>[]; bad: number } {
  const history: Record<string, unknown>[] = [];
  let bad = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const record: unknown = JSON.parse(line);
      if (record !== null && typeof record === "object" && !Array.isArray(record)) history.push(record as Record<string, unknown>);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { history, bad };
}
