/**
 * One training run in the page: the core `train` loop (the same as `sculpt train`) with its
 * beforeStep hook used to pause, to send figure frames every few steps, and to apply a prior or λ
 * changed while paused. Runs inside the Train view's Web Worker; plain TypeScript over the core,
 * so Node tests drive it directly. The run is exported as run-folder files at any pause or end.
 */
import { SYNTHETIC_DATASETS } from "../../core/data/index.js";
import type { Dataset } from "../../core/data/types.js";
import { evaluationSubset, synthesisedSplit } from "../../core/data/split.js";
import { latentTraversals, traversalRanges, type ImageGrid } from "../../core/figures/index.js";
import { matrix, type Matrix } from "../../core/matrix.js";
import { modelEntry, modelPrior } from "../../core/models/index.js";
import { createPrior } from "../../core/priors/index.js";
import type { Prior } from "../../core/priors/types.js";
import { Rng } from "../../core/random.js";
import { SculptError } from "../../core/registry.js";
import type { Checkpoint, CheckpointStore } from "../../core/train/checkpoint.js";
import type { TrainConfig } from "../../core/train/config.js";
import { decodeCodes, encodeImages } from "../../core/train/inference.js";
import type { HistoryRecordLike } from "../../core/train/reporter.js";
import type { Trainable } from "../../core/train/setup.js";
import { snapshot } from "../../core/train/snapshot.js";
import { train } from "../../core/train/train.js";
import type { RunStatus } from "../../core/run-format.js";
import { configSteps } from "./config.js";
import { runFiles } from "./run-files.js";

/** Codes of a fixed set of inputs and a few reconstructions, after `step` steps. */
export interface FigureFrame {
  step: number;
  /** [rows, cols] codes of the figure inputs (encoder means). */
  codes: { rows: number; cols: number; data: Float32Array };
  /** First few inputs and their reconstructions, [2, n, H, W, C] flattened. */
  recon: Float32Array;
  reconCount: number;
  shape: readonly [number, number, number];
}

export interface StepReport {
  step: number;
  totalSteps: number;
  epoch: number;
  terms: Record<string, number>;
  /** Over the last few steps (pauses excluded). */
  stepsPerSecond: number;
}

export interface Change {
  step: number;
  text: string;
}

export interface SessionEvents {
  /** The data set is made and the loop about to start. */
  started?(info: { totalSteps: number; startStep: number }): void;
  step?(s: StepReport): void;
  figures?(f: FigureFrame): void;
  epoch?(record: HistoryRecordLike): void;
  paused?(step: number): void;
  change?(c: Change): void;
  warning?(message: string): void;
}

export interface SessionOptions {
  /** A figure frame every this many steps (and at the start, every pause and the end). */
  figureEvery?: number;
  /** Inputs encoded for each frame. */
  figureRows?: number;
  reconCount?: number;
}

/** A prior whose target can be swapped between steps (the training loop holds this one object). */
class LivePrior implements Prior {
  constructor(public current: Prior) {}
  get dim() {
    return this.current.dim;
  }
  get description() {
    return this.current.description;
  }
  sample(n: number, rng: Rng): Matrix {
    return this.current.sample(n, rng);
  }
  marginalPdf(j: number, x: number): number {
    return this.current.marginalPdf?.(j, x) ?? NaN;
  }
  marginalRange(j: number): [number, number] {
    return this.current.marginalRange?.(j) ?? [-3, 3];
  }
}

type State = "idle" | "running" | "paused" | "done" | "stopped" | "failed";

export class TrainSession {
  state: State = "idle";
  config!: TrainConfig;
  history: HistoryRecordLike[] = [];
  changes: Change[] = [];
  totalSteps = 0;
  private data!: Dataset;
  private images: Dataset | null = null;
  private prior!: LivePrior;
  private point: { trainable: Trainable; epoch: number; step: number; stepInEpoch: number } | null = null;
  private last: Checkpoint | null = null;
  private pauseWanted = false;
  private release: (() => void) | null = null;
  private abort = new AbortController();
  private figureIdx!: Int32Array;
  private lastFrameStep = -1;
  private stamps: number[] = [];
  private readonly opts: Required<SessionOptions>;

  constructor(
    private readonly events: SessionEvents = {},
    options: SessionOptions = {},
  ) {
    this.opts = { figureEvery: 10, figureRows: 512, reconCount: 8, ...options };
  }

  /**
   * Train `config` (continuing `from` when given) until the end, a stop, or a failure. `images`:
   * all the images of a set loaded from disk (split as `--dataset npy` splits it); else the
   * config's synthetic set is made here.
   */
  async run(
    config: TrainConfig,
    from?: { checkpoint: Checkpoint; history: HistoryRecordLike[]; changes?: Change[] },
    images?: Dataset,
  ): Promise<State> {
    if (this.state !== "idle") throw new SculptError("this session has already run");
    // A run folder's config holds the parsed prior and its text in priorSpec; the page edits the text.
    const spec = typeof config.prior === "string" ? config.prior : config.priorSpec;
    if (spec === undefined) throw new SculptError("the page trains with a prior spec", "give the prior as text (config.priorSpec)");
    this.config = { ...structuredClone(config), prior: spec };
    this.images = images ?? null;
    if (images) this.data = synthesisedSplit(images, { ...config.datasetOptions, split: "train" });
    else {
      const entry = SYNTHETIC_DATASETS[config.dataset as keyof typeof SYNTHETIC_DATASETS];
      if (!entry) throw new SculptError(`data set '${config.dataset}' cannot be made in the page`, "load its images from disk");
      this.data = await entry.create({ ...config.datasetOptions, split: "train" });
    }
    this.prior = new LivePrior(createPrior(config.prior, { dim: config.latentDim }));
    this.totalSteps = configSteps(config, this.data.size);
    // A seeded subset in random order, so the few reconstructions shown are not all neighbours.
    this.figureIdx =
      this.data.size <= this.opts.figureRows
        ? evaluationSubset(this.data.size)
        : new Rng(1).permutation(this.data.size).subarray(0, this.opts.figureRows);
    this.history = [...(from?.history ?? [])];
    this.changes = [...(from?.changes ?? [])];
    this.last = from?.checkpoint ?? null;
    const store: CheckpointStore = {
      save: (c) => void (this.last = c),
      load: () => from?.checkpoint ?? null,
    };
    this.state = "running";
    this.events.started?.({ totalSteps: this.totalSteps, startStep: from?.checkpoint.step ?? 0 });
    try {
      const result = await train({
        config: this.config,
        data: this.data,
        prior: this.prior,
        store,
        resume: Boolean(from),
        signal: this.abort.signal,
        reporters: [
          {
            onStepEnd: (s) => {
              this.stamps.push(performance.now());
              if (this.stamps.length > 21) this.stamps.shift();
              this.events.step?.({ step: s.step, totalSteps: s.totalSteps, epoch: s.epoch, terms: s.terms, stepsPerSecond: this.rate() });
            },
            onEpochEnd: (r) => {
              this.history.push(r);
              this.events.epoch?.(r);
            },
            onWarning: (m) => this.events.warning?.(m),
          },
        ],
        beforeStep: (at) => this.between(at),
      });
      this.point = { trainable: result.trainable, epoch: this.last?.epoch ?? 0, step: this.totalSteps, stepInEpoch: 0 };
      await this.frame(true);
      this.state = "done";
    } catch (err) {
      if (this.abort.signal.aborted && this.point) {
        this.state = "stopped";
        await this.frame(true);
      } else {
        this.state = "failed";
        throw err;
      }
    }
    return this.state;
  }

  private rate(): number {
    const s = this.stamps;
    return s.length < 2 ? 0 : ((s.length - 1) * 1000) / Math.max(s[s.length - 1] - s[0], 1e-6);
  }

  private async between(at: { trainable: Trainable; epoch: number; step: number; stepInEpoch: number }): Promise<void> {
    this.point = at;
    // A macrotask turn: on wasm and cpu every read resolves as a microtask, so without it the
    // worker would never take the page's pause, stop or traversal messages while it trains.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (at.step - this.lastFrameStep >= this.opts.figureEvery || this.lastFrameStep < 0) await this.frame();
    if (this.pauseWanted && !this.abort.signal.aborted) {
      this.state = "paused";
      this.last = await snapshot(at.trainable, at.epoch, at.step, at.stepInEpoch);
      await this.frame(true);
      this.events.paused?.(at.step);
      await new Promise<void>((resolve) => (this.release = resolve));
      this.release = null;
      this.stamps = [];
      if (!this.abort.signal.aborted) this.state = "running";
    }
    // Stopping: the loop throws right after this hook; keep this point to export from.
    if (this.abort.signal.aborted && this.last?.step !== at.step)
      this.last = await snapshot(at.trainable, at.epoch, at.step, at.stepInEpoch);
  }

  /** Encode the figure inputs (and reconstruct a few) with the current networks. */
  private async frame(force = false): Promise<void> {
    const p = this.point;
    if (!p || !this.events.figures || (!force && p.step === this.lastFrameStep)) return;
    this.lastFrameStep = p.step;
    const codes = await encodeImages(p.trainable, this.data, this.figureIdx);
    const show = Array.from(this.figureIdx.subarray(0, Math.min(this.opts.reconCount, this.figureIdx.length)));
    const inputs = this.data.images(show);
    const outputs = await decodeCodes(
      p.trainable,
      matrix(show.length, codes.cols, (codes.data as Float32Array).slice(0, show.length * codes.cols)),
    );
    const recon = new Float32Array(inputs.length * 2);
    recon.set(inputs, 0);
    recon.set(outputs, inputs.length);
    this.events.figures({
      step: p.step,
      codes: { rows: codes.rows, cols: codes.cols, data: codes.data as Float32Array },
      recon,
      reconCount: show.length,
      shape: this.data.shape,
    });
  }

  /** Pause before the next step (a frame and the `paused` event follow). */
  pause(): void {
    if (this.state === "running") this.pauseWanted = true;
  }

  /** Continue a paused run; a new λ or prior applies from the next step and is recorded as a change. */
  resume(changes: { lambda?: number; prior?: string } = {}): void {
    if (this.state !== "paused" || !this.point) throw new SculptError("the run is not paused");
    const step = this.point.step;
    const mc = this.point.trainable.modelConfig;
    const notes: string[] = [];
    if (changes.lambda !== undefined && changes.lambda !== mc.lambda) {
      if (!("lambda" in mc)) throw new SculptError(`model ${mc.kind} has no λ`);
      if (!(Number.isFinite(changes.lambda) && changes.lambda >= 0))
        throw new SculptError(`λ must be a number ≥ 0 (got ${changes.lambda})`);
      notes.push(`λ ${mc.lambda} → ${changes.lambda}`);
      mc.lambda = changes.lambda;
      (this.config.model as Record<string, unknown>).lambda = changes.lambda;
    }
    if (changes.prior !== undefined && changes.prior !== this.config.prior) {
      const next = createPrior(changes.prior, { dim: this.config.latentDim }); // throws on a bad spec, before any change
      notes.push(`prior → ${changes.prior}`);
      this.prior.current = next;
      this.config.prior = changes.prior;
    }
    for (const text of notes) {
      const c = { step, text };
      this.changes.push(c);
      this.events.change?.(c);
    }
    this.pauseWanted = false;
    this.release?.();
  }

  /** End the run at the next step boundary (exportable from there). */
  stop(): void {
    this.abort.abort();
    this.pauseWanted = false;
    this.release?.();
  }

  /** Steps done (at the current pause, stop or end). */
  get step(): number {
    return this.point?.step ?? 0;
  }

  /** The prior being trained toward now. */
  currentPrior(): Prior {
    return this.prior.current;
  }

  /** Decoded traversals of the first figure input, one row per latent dimension. */
  async traversals(steps = 9): Promise<ImageGrid> {
    const p = this.point;
    if (!p) throw new SculptError("nothing trained yet");
    const codes = await encodeImages(p.trainable, this.data, this.figureIdx.subarray(0, Math.min(256, this.figureIdx.length)));
    // Traverse the prior's range where the model has one (the VAE family's N(0, I) too), else the codes'.
    const target = modelPrior(this.config.model.kind, this.config.prior);
    const prior =
      target === null ? null : modelEntry(this.config.model.kind).usesPrior ? this.prior.current : createPrior(target, { dim: codes.cols });
    const [t] = await latentTraversals(codes, (z) => decodeCodes(p.trainable, z), {
      inputs: [0],
      steps,
      imageShape: this.data.shape,
      ranges: traversalRanges(codes, prior),
    });
    return t.grid;
  }

  /** The run folder's files, at the current pause, stop or end. */
  async exportFiles(environment: Record<string, unknown>): Promise<Record<string, Uint8Array>> {
    const p = this.point;
    if (!p || !this.last || this.state === "running" || this.state === "idle") {
      throw new SculptError("pause or stop the run before exporting it");
    }
    const status: RunStatus =
      this.state === "done"
        ? { state: "done", epoch: this.config.epochs, step: p.step }
        : {
            state: "running",
            epoch: this.last.epoch,
            step: this.last.step,
            message: `${this.state} in the browser at step ${this.last.step}`,
          };
    return runFiles({
      config: this.config,
      trainable: p.trainable,
      checkpoint: this.last,
      history: this.history,
      status,
      environment,
      changes: this.changes,
      evalData: this.images ? synthesisedSplit(this.images, { ...this.config.datasetOptions, split: "test" }) : undefined,
    });
  }

  dispose(): void {
    this.point?.trainable.dispose();
    this.point = null;
  }
}
