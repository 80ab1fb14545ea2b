/**
 * The sweep ledger: one embedded SQLite database (better-sqlite3, WAL) per sweep folder holding
 * every run's state (pending → running → done | failed), config, coordinates, metrics, run folder,
 * attempts and timings. Every change is one transaction, so killing the sweep at any moment loses
 * no finished run; recording a result is an idempotent upsert keyed by the run id, so a result
 * that arrives twice (queue events and polling, a retried job) is counted once.
 */
import Database from "better-sqlite3";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { SculptError } from "../../core/registry.js";
import type { PlannedRun, RunCoords } from "../../core/sweep/expand.js";
import type { SweepResult } from "../../core/sweep/table.js";

export const LEDGER_FILE = "ledger.sqlite";

export type RunState = "pending" | "running" | "done" | "failed";

export interface LedgerRun {
  id: string;
  ord: number;
  coords: RunCoords;
  config: Record<string, unknown>;
  deps: string[];
  state: RunState;
  attempts: number;
  dir: string | null;
  worker: string | null;
  metrics: Record<string, number> | null;
  error: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  trainSeconds: number | null;
  evalSeconds: number | null;
}

/** What a finished run reports. */
export interface RunOutcome {
  id: string;
  dir: string;
  /** Scalar metrics (the full metrics.json stays in the run folder). */
  metrics: Record<string, number>;
  trainSeconds: number;
  evalSeconds: number;
  worker: string;
}

export interface SweepMeta {
  name: string;
  budget: string;
  /** Metrics of the compact table layout, from the spec. */
  tableMetrics?: string[];
}

interface Row {
  id: string;
  ord: number;
  coords: string;
  config: string;
  deps: string;
  state: RunState;
  attempts: number;
  dir: string | null;
  worker: string | null;
  metrics: string | null;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
  train_seconds: number | null;
  eval_seconds: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  ord INTEGER NOT NULL,
  coords TEXT NOT NULL,
  config TEXT NOT NULL,
  deps TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  dir TEXT,
  worker TEXT,
  metrics TEXT,
  error TEXT,
  started_at REAL,
  finished_at REAL,
  train_seconds REAL,
  eval_seconds REAL
);
CREATE INDEX IF NOT EXISTS runs_state ON runs (state, ord);
`;

const fromRow = (r: Row): LedgerRun => ({
  id: r.id,
  ord: r.ord,
  coords: JSON.parse(r.coords) as RunCoords,
  config: JSON.parse(r.config) as Record<string, unknown>,
  deps: JSON.parse(r.deps) as string[],
  state: r.state,
  attempts: r.attempts,
  dir: r.dir,
  worker: r.worker,
  metrics: r.metrics ? (JSON.parse(r.metrics) as Record<string, number>) : null,
  error: r.error,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  trainSeconds: r.train_seconds,
  evalSeconds: r.eval_seconds,
});

export class Ledger {
  readonly db: Database.Database;

  private constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // Results are few and precious: FULL makes each commit durable, even on power loss.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 10000");
    this.db.exec(SCHEMA);
  }

  /** Open (or create) DIR/ledger.sqlite. */
  static open(dir: string): Ledger {
    mkdirSync(dir, { recursive: true });
    return new Ledger(join(dir, LEDGER_FILE));
  }

  /** Open an existing ledger, refusing a folder without one. */
  static openExisting(dir: string): Ledger {
    const path = join(dir, LEDGER_FILE);
    try {
      const probe = new Database(path, { fileMustExist: true, readonly: true });
      probe.close();
    } catch {
      throw new SculptError(`${dir} holds no sweep ledger (${LEDGER_FILE})`, "pass the --out folder of a `sculpt sweep` run");
    }
    return new Ledger(path);
  }

  /**
   * The state of every run recorded in DIR's ledger, read-only (nothing is created or changed),
   * or undefined when DIR holds no ledger: what a dry run compares its plan with.
   */
  static peekStates(dir: string): Map<string, RunState> | undefined {
    const path = join(dir, LEDGER_FILE);
    if (!existsSync(path)) return undefined;
    const db = new Database(path, { fileMustExist: true, readonly: true });
    try {
      const rows = db.prepare("SELECT id, state FROM runs").all() as { id: string; state: RunState }[];
      return new Map(rows.map((r) => [r.id, r.state]));
    } finally {
      db.close();
    }
  }

  close(): void {
    this.db.close();
  }

  meta(): SweepMeta | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'sweep'").get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as SweepMeta) : undefined;
  }

  /**
   * Record the plan: new runs are added as pending, known runs keep their state (done runs are
   * skipped, failed ones get another chance). One sweep folder holds one sweep at one budget.
   */
  sync(meta: SweepMeta, runs: readonly PlannedRun[]): { added: number; known: number } {
    return this.db.transaction(() => {
      const old = this.meta();
      if (old && (old.name !== meta.name || old.budget !== meta.budget))
        throw new SculptError(
          `this folder holds sweep '${old.name}' at budget ${old.budget}, not '${meta.name}' at ${meta.budget}`,
          "choose another --out folder (the default is sweeps/<name>-<budget>)",
        );
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('sweep', ?)").run(JSON.stringify(meta));
      const insert = this.db.prepare(
        "INSERT OR IGNORE INTO runs (id, ord, coords, config, deps, state) VALUES (@id, @ord, @coords, @config, @deps, 'pending')",
      );
      let added = 0;
      runs.forEach((r, ord) => {
        added += insert.run({
          id: r.id,
          ord,
          coords: JSON.stringify(r.coords),
          config: JSON.stringify(r.config),
          deps: JSON.stringify(r.deps),
        }).changes;
      });
      this.db.prepare("UPDATE runs SET state = 'pending', attempts = 0, error = NULL WHERE state = 'failed'").run();
      return { added, known: runs.length - added };
    })();
  }

  /** Runs left 'running' by a coordinator that died go back to pending (they resume from checkpoints). */
  requeueInterrupted(): number {
    return this.db.prepare("UPDATE runs SET state = 'pending' WHERE state = 'running'").run().changes;
  }

  /** Fail every pending run whose dependency failed (repeatedly, for chains). */
  failBlocked(): number {
    let total = 0;
    for (;;) {
      const failed = new Set((this.db.prepare("SELECT id FROM runs WHERE state = 'failed'").all() as { id: string }[]).map((r) => r.id));
      const blocked = this.list("pending").filter((r) => r.deps.some((d) => failed.has(d)));
      if (blocked.length === 0) return total;
      const stmt = this.db.prepare("UPDATE runs SET state = 'failed', error = ? WHERE id = ? AND state = 'pending'");
      this.db.transaction(() => {
        for (const r of blocked) stmt.run(`dependency ${r.deps.find((d) => failed.has(d))} failed`, r.id);
      })();
      total += blocked.length;
    }
  }

  /** Pending runs whose dependencies are all done, in plan order. */
  ready(): LedgerRun[] {
    const done = new Set((this.db.prepare("SELECT id FROM runs WHERE state = 'done'").all() as { id: string }[]).map((r) => r.id));
    return this.list("pending").filter((r) => r.deps.every((d) => done.has(d)));
  }

  /** Atomically take the next ready run for a local worker (pending → running, attempts + 1). */
  claimNext(worker: string): LedgerRun | undefined {
    return this.db.transaction(() => {
      const next = this.ready()[0];
      if (!next) return undefined;
      this.markRunning(next.id, worker);
      return this.get(next.id);
    })();
  }

  /**
   * A run has started on `worker`: one more attempt, or `attempts` when the caller knows the count
   * (a queue job's). No effect on a finished run.
   */
  markRunning(id: string, worker: string, attempts?: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE runs SET state = 'running', attempts = COALESCE(?, attempts + 1), worker = ?, started_at = ?, error = NULL
           WHERE id = ? AND state IN ('pending', 'running')`,
        )
        .run(attempts ?? null, worker, Date.now(), id).changes > 0
    );
  }

  /** Record a finished run; returns false when it was already recorded (exactly once). */
  complete(o: RunOutcome): boolean {
    return (
      this.db
        .prepare(
          `UPDATE runs SET state = 'done', dir = ?, worker = ?, metrics = ?, error = NULL, finished_at = ?, train_seconds = ?, eval_seconds = ?
           WHERE id = ? AND state != 'done'`,
        )
        .run(o.dir, o.worker, JSON.stringify(o.metrics), Date.now(), o.trainSeconds, o.evalSeconds, o.id).changes > 0
    );
  }

  /** A failed attempt: back to pending while attempts remain (and `retry`), else failed. Returns the new state. */
  fail(id: string, error: string, options: { retry: boolean; maxAttempts: number }): RunState | undefined {
    return this.db.transaction(() => {
      const run = this.get(id);
      if (!run || run.state === "done") return run?.state;
      const state: RunState = options.retry && run.attempts < options.maxAttempts ? "pending" : "failed";
      this.db.prepare("UPDATE runs SET state = ?, error = ?, finished_at = ? WHERE id = ?").run(state, error, Date.now(), id);
      return state;
    })();
  }

  /** Put a running run back to pending without using up an attempt (the sweep was stopped). */
  release(id: string): void {
    this.db.prepare("UPDATE runs SET state = 'pending', attempts = MAX(attempts - 1, 0) WHERE id = ? AND state = 'running'").run(id);
  }

  get(id: string): LedgerRun | undefined {
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(state?: RunState): LedgerRun[] {
    const rows = (
      state
        ? this.db.prepare("SELECT * FROM runs WHERE state = ? ORDER BY ord").all(state)
        : this.db.prepare("SELECT * FROM runs ORDER BY ord").all()
    ) as Row[];
    return rows.map(fromRow);
  }

  counts(): Record<RunState, number> & { total: number } {
    const out = { pending: 0, running: 0, done: 0, failed: 0, total: 0 };
    for (const r of this.db.prepare("SELECT state, COUNT(*) AS n FROM runs GROUP BY state").all() as { state: RunState; n: number }[]) {
      out[r.state] = r.n;
      out.total += r.n;
    }
    return out;
  }

  /** Finished runs as table input. */
  results(): SweepResult[] {
    return this.list("done").map((r) => ({ coords: r.coords, metrics: r.metrics ?? {} }));
  }
}
