/**
 * A sweep ledger (src/node/sweep, `<sweep>/ledger.sqlite`) as the dashboard shows it: opened
 * read-only, the sweep's name and every planned run's state, coordinates, attempts, metrics and
 * error, with run folders given as ids under the root (never as absolute paths). A ledger that
 * cannot be read is reported as such rather than failing the page.
 */
import Database from "better-sqlite3";
import { realpathSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import type { LedgerRunView, LedgerView } from "../../web/api-types.js";
import { isInside } from "../paths.js";

interface Row {
  id: string;
  coords: string | null;
  state: string;
  attempts: number | null;
  dir: string | null;
  metrics: string | null;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
}

function parseObject(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/** Read `sweepDir/ledger.sqlite`; `root` is the served root (real path), for run ids. */
export function readLedger(path: string, sweepDir: string, root: string): LedgerView {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const meta = db.prepare("SELECT value FROM meta WHERE key = 'sweep'").get() as { value: string } | undefined;
    const rows = db
      .prepare("SELECT id, coords, state, attempts, dir, metrics, error, started_at, finished_at FROM runs ORDER BY ord")
      .all() as Row[];
    const counts: Record<string, number> = {};
    const runs: LedgerRunView[] = rows.map((r) => {
      counts[r.state] = (counts[r.state] ?? 0) + 1;
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries(parseObject(r.metrics))) if (typeof v === "number") metrics[k] = v;
      return {
        id: r.id,
        state: r.state,
        coords: parseObject(r.coords),
        attempts: r.attempts ?? 0,
        run: r.dir ? runId(r.dir, sweepDir, root) : undefined,
        metrics,
        error: r.error ?? undefined,
        seconds: r.started_at && r.finished_at ? (r.finished_at - r.started_at) / 1000 : undefined,
      };
    });
    const name = parseObject(meta?.value ?? null).name;
    return { name: typeof name === "string" ? name : undefined, counts, runs };
  } catch (err) {
    return { counts: {}, runs: [], problem: `ledger.sqlite could not be read: ${(err as Error).message}` };
  } finally {
    db?.close();
  }
}

/** The run folder's id under the root, or undefined when it lies outside the root. */
function runId(dir: string, sweepDir: string, root: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(isAbsolute(dir) ? dir : join(sweepDir, dir));
  } catch {
    return undefined;
  }
  if (!isInside(root, real) || real === root) return undefined;
  return relative(root, real).split(sep).join("/");
}
