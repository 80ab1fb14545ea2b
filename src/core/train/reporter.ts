/**
 * Progress goes out through reporters with optional hooks (vitest's Reporter): the CLI progress
 * bar, the JSON-lines log and the dashboard implement only what they need.
 */

/** One epoch's line of history.jsonl: its mean loss terms and code statistics. */
export interface HistoryRecordLike {
  epoch: number;
  step: number;
  [key: string]: number;
}

export interface StepInfo {
  epoch: number;
  step: number;
  totalSteps: number;
  terms: Record<string, number>;
  imagesPerSecond: number;
  /** Seconds left at the current speed. */
  eta: number;
}

export interface Reporter {
  onRunStart?(info: { epochs: number; startEpoch: number; totalSteps: number; stepsPerEpoch: number }): void;
  onStepEnd?(info: StepInfo): void;
  onEpochEnd?(record: HistoryRecordLike): void;
  /** A warning worth a person's attention (e.g. collapse). */
  onWarning?(message: string): void;
  onRunEnd?(info: { epochs: number; seconds: number }): void;
}
