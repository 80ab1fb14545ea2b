/**
 * The report of a sweep: metric-against-latent-size figures (paper Figures 5/12), a DCI-against-LPS
 * scatter (Figure 7) and one table per model of every metric as mean ± std over seeds. Input is a
 * list of sweep records, read here from run folders; a sweep ledger can produce the same records.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { findMetric, metricScatterSpec, metricVsLatentSpec, sweepTables, type SweepRecord } from "../../core/figures/index.js";
import { SculptError } from "../../core/registry.js";
import { RUN_FILES } from "../run-format.js";
import { escapeHtml, figure, meanStdText, note, page, table, type Section } from "./html.js";
import { renderSvg } from "./render.js";
import { sweepRecord } from "./run-folder.js";

/** The run folders directly inside `dir` (those holding a config.json), sorted by name. */
export function listRunFolders(dir: string): string[] {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new SculptError(`sweep folder not found: ${dir}`, "pass a folder of run folders");
  const runs = readdirSync(abs)
    .sort()
    .map((name) => join(abs, name))
    .filter((p) => statSync(p).isDirectory() && existsSync(join(p, RUN_FILES.config)));
  if (runs.length === 0)
    throw new SculptError(
      `${dir} holds no run folders (sub-folders with ${RUN_FILES.config})`,
      "pass the folder the sweep wrote its runs into",
    );
  return runs;
}

/** Sweep records for run folders; a model kind trained under several priors is labelled "kind · prior". */
export function sweepRecordsFromRuns(runDirs: readonly string[]): SweepRecord[] {
  const runs = runDirs.map((d) => sweepRecord(d));
  const priors = new Map<string, Set<string>>();
  for (const { record, prior } of runs) priors.set(record.model, (priors.get(record.model) ?? new Set()).add(prior));
  return runs.map(({ record, prior }) =>
    priors.get(record.model)!.size > 1 ? { ...record, model: `${record.model} · ${prior}` } : record,
  );
}

/** Which metric keys stand for the paper's LPS, NMSE and DCI (first match wins). */
export const SWEEP_METRICS = {
  lps: { label: "LPS", patterns: [/^lps$/i, /^lps\.gbdt$/i, /^lps[./]score$/i, /^lps\.[a-z]+$/i] },
  nmse: { label: "NMSE", patterns: [/^nmse$/i, /^nmse\.linear$/i, /nmse/i] },
  dci: { label: "DCI disentanglement", patterns: [/^dci[./]disentanglement$/i, /^dci$/i, /^dci\b/i] },
};

export interface SweepReportOptions {
  title?: string;
  onWarning?: (message: string) => void;
}

export async function sweepReportHtml(
  records: readonly SweepRecord[],
  options: SweepReportOptions = {},
): Promise<{ html: string; sections: string[] }> {
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
    { id: "figures", title: "Figures", body: figureBody },
    { id: "tables", title: "Metrics per model (mean ± std over seeds)", body: tables.join("\n") },
    { id: "runs", title: "Runs", body: runs },
  ];
  const models = new Set(records.map((r) => r.model)).size;
  const subtitle = `${records.length} runs · ${models} model${models === 1 ? "" : "s"} · ${[...new Set(records.map((r) => r.dataset))].join(", ")}`;
  return { html: page(options.title ?? "sculpt sweep", subtitle, sections), sections: sections.map((s) => s.id) };
}
