/**
 * The parent's handle on one worker process (child.ts): fork it, hand it a sweep run (train and
 * evaluate in RUNS/<id>) or a plain training job (one `trainRun` in a given folder: `sculpt demo`),
 * and get back the outcome, a reported error, or a crash (the process died mid-run). Compiled code
 * forks the compiled child.js; from TypeScript sources (tests, tsx) the child loads through tsx.
 */
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { UserTrainConfig } from "../train.js";
import type { RunOutcome } from "./ledger.js";
import type { ExecuteOptions, RunTask } from "./execute.js";

/** A plain training job: start (or resume) one run in `dir`. */
export interface TrainJob {
  dir: string;
  user: UserTrainConfig;
  resume: boolean;
  backend?: string;
}

export type ChildRequest =
  { type: "run"; task: RunTask; options: Omit<ExecuteOptions, "signal" | "reporters"> } | { type: "train"; job: TrainJob };
export type ChildReply =
  | { type: "ready" }
  | { type: "progress"; id: string; epoch: number; epochs: number; loss?: number }
  | { type: "warning"; id: string; message: string }
  | { type: "done"; outcome: RunOutcome | null }
  | { type: "error"; id: string; message: string; deterministic: boolean };

/** What a job reports while it runs: each epoch (with its total loss) and each warning. */
export interface JobListener {
  onProgress?: (epoch: number, epochs: number, loss?: number) => void;
  onWarning?: (message: string) => void;
}

/** Why a run did not finish: an error the run reported, or the process dying under it. */
export class RunFailure extends Error {
  constructor(
    message: string,
    /** Retrying cannot help (a SculptError: bad config, diverged loss). */
    readonly deterministic: boolean,
    /** The worker process died (killed, out of memory, crashed). */
    readonly crashed: boolean,
  ) {
    super(message);
    this.name = "RunFailure";
  }
}

/** Keep the last bytes of a child's output for crash reports. */
const TAIL = 4000;

function childEntry(): { file: string; execArgv: string[] } {
  const self = import.meta.url;
  // tsx by its path: the process may run in a folder with no node_modules (a worker's own folder).
  if (self.endsWith(".ts"))
    return {
      file: fileURLToPath(new URL("./child.ts", self)),
      execArgv: ["--import", pathToFileURL(createRequire(self).resolve("tsx")).href],
    };
  return { file: fileURLToPath(new URL("./child.js", self)), execArgv: [] };
}

/**
 * The environment for one of `workers` processes on this machine: each gets an equal share of the
 * cores for its OpenMP (native kernel) threads unless the user set OMP_NUM_THREADS; more threads
 * than cores makes spinning OpenMP workers fight over them.
 */
export function workerEnv(workers: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.OMP_NUM_THREADS) return env;
  return { ...env, OMP_NUM_THREADS: String(Math.max(1, Math.floor(availableParallelism() / Math.max(1, workers)))) };
}

export class ChildRunner {
  private readonly child: ChildProcess;
  private tail = "";
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private current: {
    resolve: (o: RunOutcome | null) => void;
    reject: (e: RunFailure) => void;
    listener: JobListener;
  } | null = null;
  readonly ready: Promise<void>;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const { file, execArgv } = childEntry();
    this.child = fork(file, [], { execArgv, env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
    const keep = (b: Buffer) => (this.tail = (this.tail + b.toString()).slice(-TAIL));
    this.child.stdout!.on("data", keep);
    this.child.stderr!.on("data", keep);
    this.ready = new Promise((resolve, reject) => {
      this.child.on("message", (msg: ChildReply) => {
        if (msg.type === "ready") resolve();
        else if (msg.type === "progress") this.current?.listener.onProgress?.(msg.epoch, msg.epochs, msg.loss);
        else if (msg.type === "warning") this.current?.listener.onWarning?.(msg.message);
        else if (msg.type === "done") this.settle((c) => c.resolve(msg.outcome));
        else if (msg.type === "error") this.settle((c) => c.reject(new RunFailure(msg.message, msg.deterministic, false)));
      });
      this.child.on("exit", (code, signal) => {
        this.exited = { code, signal };
        const why = `worker process ${this.child.pid} exited (${signal ?? `code ${code}`}) mid-run${this.tail.trim() ? `: ${this.tail.trim().split("\n").slice(-3).join(" / ")}` : ""}`;
        reject(new RunFailure(why, false, true));
        this.settle((c) => c.reject(new RunFailure(why, false, true)));
      });
    });
    // fork failures and sends to a closed channel arrive here; the exit handler reports the run.
    this.child.on("error", (err) => (this.tail = (this.tail + `\n${err.message}`).slice(-TAIL)));
    // A child that dies before it is ready is reported by run(); nobody else awaits `ready`.
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  private settle(fn: (c: NonNullable<ChildRunner["current"]>) => void): void {
    const c = this.current;
    this.current = null;
    if (c) fn(c);
  }

  private async request(msg: ChildRequest, listener: JobListener): Promise<RunOutcome | null> {
    if (this.current) throw new Error("ChildRunner: already running a task");
    await this.ready;
    return new Promise<RunOutcome | null>((resolve, reject) => {
      this.current = { resolve, reject, listener };
      this.child.send(msg);
    });
  }

  /** Run one sweep task (train and evaluate); rejects with RunFailure. */
  async run(
    task: RunTask,
    options: Extract<ChildRequest, { type: "run" }>["options"],
    onProgress?: (epoch: number, epochs: number) => void,
  ): Promise<RunOutcome> {
    return (await this.request({ type: "run", task, options }, { onProgress }))!;
  }

  /** Train one run in `job.dir` (no evaluation); rejects with RunFailure. */
  async train(job: TrainJob, listener: JobListener = {}): Promise<void> {
    await this.request({ type: "train", job }, listener);
  }

  /** Stop the process (its run can resume from its checkpoint elsewhere). */
  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Resolves once the process has exited. */
  async exit(): Promise<void> {
    if (!this.alive) return;
    await new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
  }
}
