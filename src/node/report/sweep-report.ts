/**
 * The report of a sweep: metric-against-latent-size figures (paper Figures 5/12), a DCI-against-LPS
 * scatter (Figure 7) and one table per model of every metric as mean ± std over seeds. Input is a
 * list of sweep records, read here from run folders; a sweep ledger can produce the same records.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { findMetric, metricScatterSpec, metricVsLatentSpec, sweepTables, type SweepRecord } from "../../core/figures/index.js";
import { SculptError } from "../../core/registry.js";
import { metricTitle } from "../../core/sweep/metric-info.js";
import { RUN_FILES } from "../run-format.js";
import { buildReport, escapeHtml, figure, meanStdText, note, table, type BuiltReport, type Section } from "./html.js";
import { renderSvg } from "./render.js";
import { sweepRecord } from "./run-folder.js";
import { Ledger, LEDGER_FILE } from "../sweep/ledger.js";

/** Run folders (those holding a config.json) inside `dir`, however deeply nested, sorted by path. */
export function listRunFolders(dir: string): string[] {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new SculptError(`sweep folder not found: ${dir}`, "pass a folder of run folders");
  const runs: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (!statSync(p).isDirectory()) continue;
      if (existsSync(join(p, RUN_FILES.config))) runs.push(p);
      else if (depth < 3) walk(p, depth + 1); // e.g. SWEEP/runs/<id>/
    }
  };
  walk(abs, 1);
  if (runs.length === 0)
    throw new SculptError(
      `${dir} holds no run folders (sub-folders with ${RUN_FILES.config})`,
      "pass the folder the sweep wrote its runs into",
    );
  return runs;
}

/** Where a model kind ran under several priors, label it "model · prior" so the lines stay apart. */
function labelByPrior(items: { record: SweepRecord; prior: string }[]): SweepRecord[] {
  const priors = new Map<string, Set<string>>();
  for (const { record, prior } of items) priors.set(record.model, (priors.get(record.model) ?? new Set()).add(prior));
  // Long file paths (empirical priors) shortened to their last two parts.
  const short = (p: string) => p.replace(/[^\s(),|]*\/([^/\s(),|]+\/[^/\s(),|]+)/g, "…/$1");
  return items.map(({ record, prior }) =>
    priors.get(record.model)!.size > 1 ? { ...record, model: `${record.model} · ${short(prior)}` } : record,
  );
}

/** Sweep records for run folders (model kind, data set, latent size and seed from each config.json). */
export function sweepRecordsFromRuns(runDirs: readonly string[]): SweepRecord[] {
  return labelByPrior(runDirs.map((d) => sweepRecord(d)));
}

export interface SweepInput {
  records: SweepRecord[];
  /** What the reader should know about runs left out. */
  notes: string[];
}

/**
 * The finished runs of a sweep: from its ledger when the folder has one (the ledger's model labels
 * and coordinates, the run folder's metrics.json, else the ledger's), else every run folder inside.
 */
export function readSweep(dir: string): SweepInput {
  if (!existsSync(join(dir, LEDGER_FILE))) return { records: sweepRecordsFromRuns(listRunFolders(dir)), notes: [] };
  const ledger = Ledger.openExisting(dir);
  try {
    const all = ledger.list();
    const done = all.filter((r) => r.state === "done" && r.dir);
    const items = done.map((r) => {
      const fromFolder = r.dir && existsSync(join(r.dir, RUN_FILES.config)) ? sweepRecord(r.dir).record : undefined;
      const metrics = fromFolder && Object.keys(fromFolder.metrics).length > 0 ? fromFolder.metrics : (r.metrics ?? {});
      const latentDim = fromFolder?.latentDim ?? r.coords.latentDim;
      if (latentDim === undefined)
        throw new SculptError(`sweep run ${r.id} has no latent size in the ledger and no run folder`, "re-run the sweep");
      const record = { model: r.coords.model, dataset: r.coords.dataset, latentDim, seed: r.coords.seed, metrics };
      return { record, prior: r.coords.prior ?? "" };
    });
    const notes =
      all.length > done.length
        ? [`${all.length - done.length} of the ${all.length} runs in the ledger have not finished and are left out.`]
        : [];
    if (items.length === 0) throw new SculptError(`no run of the sweep in ${dir} has finished yet`, "wait for the sweep, or resume it");
    return { records: labelByPrior(items), notes };
  } finally {
    ledger.close();
  }
}

/** A registry key (its figure title from the metric's entry), then the other names records may carry it under. */
const sweepMetric = (key: string, fallbacks: RegExp[]) => ({
  key,
  label: metricTitle(key),
  patterns: [new RegExp(`^${key.replace(/\./g, "\\.")}$`, "i"), ...fallbacks],
});

/** Which metric keys stand for the paper's LPS, NMSE and DCI (first match wins). */
export const SWEEP_METRICS = {
  lps: sweepMetric("lps.gbdt", [/^lps$/i, /^lps[./]score$/i, /^lps\.[a-z]+$/i]),
  nmse: sweepMetric("nmse.linear", [/^nmse$/i, /nmse/i]),
  dci: sweepMetric("dci.disentanglement", [/^dci[./]disentanglement$/i, /^dci$/i, /^dci\b/i]),
};

export interface SweepReportOptions {
  title?: string;
  /** Shown under the figures (e.g. runs left out). */
  notes?: readonly string[];
  onWarning?: (message: string) => void;
}

export async function sweepReportHtml(records: readonly SweepRecord[], options: SweepReportOptions = {}): Promise<BuiltReport> {
  if (records.length === 0) throw new SculptError("a sweep report needs at least one run");
  const svg = (spec: Parameters<typeof renderSvg>[0], id: string) => renderSvg(spec, { idPrefix: id, onWarning: options.onWarning });
  const keys = Object.fromEntries(Object.entries(SWEEP_METRICS).map(([k, m]) => [k, findMetric(records, m.patterns)])) as Record<
    keyof typeof SWEEP_METRICS,
    string | undefined
  >;
  const figs: string[] = [];
  for (const name of ["lps", "nmse"] as const) {
    const key = keys[name];
    if (key)
      figs.push(
        figure(await svg(metricVsLatentSpec(records, key, { label: SWEEP_METRICS[name].label }), `sweep-${name}`), `metric key: ${key}`),
      );
  }
  if (keys.lps && keys.dci) {
    const spec = metricScatterSpec(records, keys.lps, keys.dci, { xLabel: SWEEP_METRICS.lps.label, yLabel: SWEEP_METRICS.dci.label });
    figs.push(figure(await svg(spec, "sweep-dci-lps"), `metric keys: ${keys.lps}, ${keys.dci}`));
  }
  const missing = (Object.keys(SWEEP_METRICS) as (keyof typeof SWEEP_METRICS)[]).filter((k) => !keys[k]).map((k) => SWEEP_METRICS[k].label);
  const figureBody =
    (figs.length ? `<div class="row">${figs.join("")}</div>` : "") +
    (missing.length ? note(`No run has ${missing.join(", ")} (run \`sculpt eval\`).`) : "");

  const tables = sweepTables(records).map((t) => {
    const rows = t.rows.map((r) => [
      r.dataset,
      r.latentDim,
      r.seeds,
      ...t.metrics.map((m) => (r.cells[m] ? meanStdText(r.cells[m].mean, r.cells[m].std, r.cells[m].n) : "–")),
    ]);
    return (
      `<h3>${escapeHtml(t.model)}</h3>` +
      (t.metrics.length ? table(["dataset", "latent size", "seeds", ...t.metrics], rows, "metrics") : note("No metrics yet."))
    );
  });
  const runs = table(
    ["model", "dataset", "latent size", "seed", "metrics"],
    records.map((r) => [r.model, r.dataset, r.latentDim, r.seed, Object.keys(r.metrics).length]),
  );
  const sections: Section[] = [
    { id: "figures", title: "Figures", body: figureBody + (options.notes ?? []).map((n) => note(n)).join("") },
    { id: "tables", title: "Metrics per model (mean ± std over seeds)", body: tables.join("\n") },
    { id: "runs", title: "Runs", body: runs },
  ];
  const models = new Set(records.map((r) => r.model)).size;
  const subtitle = `${records.length} runs · ${models} model${models === 1 ? "" : "s"} · ${[...new Set(records.map((r) => r.dataset))].join(", ")}`;
  return buildReport(options.title ?? "sculpt sweep", subtitle, sections);
}
