/** Messages between the Train view and its Web Worker (structured-cloned; big arrays transferred). */
import type { ImageGrid } from "../../core/figures/index.js";
import type { TrainConfig } from "../../core/train/config.js";
import type { HistoryRecordLike } from "../../core/train/reporter.js";
import type { LoadedImages } from "./files.js";
import type { Change, FigureFrame, StepReport } from "./session.js";

export const BACKEND_CHOICES = ["auto", "webgpu", "webgl", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export type ToWorker =
  | { type: "start"; config: TrainConfig; backend: BackendChoice; figureEvery: number; base: string; images?: LoadedImages }
  | { type: "import"; zip: Uint8Array; steps: number | null; backend: BackendChoice; figureEvery: number; base: string }
  | { type: "pause" }
  | { type: "resume"; lambda?: number; prior?: string }
  | { type: "stop" }
  | { type: "export" }
  | { type: "traverse" };

export type FromWorker =
  | { type: "backend"; name: string; notes: string[] }
  | { type: "started"; config: TrainConfig; totalSteps: number; history: HistoryRecordLike[]; changes: Change[]; startStep: number }
  | ({ type: "step" } & StepReport)
  | ({ type: "figures" } & FigureFrame)
  | { type: "epoch"; record: HistoryRecordLike }
  | { type: "paused"; step: number }
  | { type: "resumed" }
  | { type: "change"; change: Change }
  | { type: "end"; state: string; step: number }
  | { type: "export"; zip: Uint8Array; name: string }
  | { type: "traversal"; grid: ImageGrid }
  | { type: "warning"; message: string }
  | { type: "error"; message: string };
