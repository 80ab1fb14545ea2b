/**
 * The report of one run as a single self-contained HTML page: overview (config, environment,
 * status), training curves, metrics grouped by namespace, the latent space (covariance and
 * marginals against the prior), reconstructions and, when a decoder can be loaded, traversals.
 * Each part is omitted with a note when its files are missing, so a report works mid-training.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  covariance,
  covarianceHeatmapSpec,
  gridFigureSvg,
  latentLabel,
  imageBatch,
  latentTraversals,
  marginalsSpec,
  previewGrid,
  reconstructionGrid,
  trainingCurvesSpec,
  traversalRanges,
  type DecodeFn,
} from "../../core/figures/index.js";
import type { Matrix } from "../../core/matrix.js";
import { modelKind, modelPrior } from "../../core/models/index.js";
import type { Prior, PriorConfig } from "../../core/priors/types.js";
import { showcaseRows } from "../../core/data/split.js";
import { SculptError } from "../../core/registry.js";
import { loadDataset } from "../data/index.js";
import { previewIndices } from "../data/preview.js";
import { loadPrior } from "../priors.js";
import { loadRun } from "../run.js";
import { RUN_FILES } from "../run-format.js";
import { buildReport, escapeHtml, figure, formatNumber, note, table, type BuiltReport, type Cell, type Section } from "./html.js";
import { pngDataUri, renderSvg } from "./render.js";
import { readRunFiles, type RunFiles, type RunMetricsFile } from "./run-folder.js";

/** What traversals need from a trained run: its decoder. */
export interface RunDecoder {
  decode: DecodeFn;
  /** [height, width, channels] of a decoded image (else taken from recon.npy). */
  shape?: readonly [number, number, number];
  dispose?(): void;
}

export interface RunReportOptions {
  /** Load the run's decoder (default: `loadRun`, the trained networks from the run folder). */
  openRun?: (dir: string) => RunDecoder | Promise<RunDecoder>;
  traversalInputs?: number;
  /** Most latent dimensions to traverse (those with the largest code variance); default 10. */
  traversalDims?: number;
  /** Show an 8×8 preview of the run's training set (default true; needs its files for real sets). */
  dataPreview?: boolean;
  /** Page title (default "sculpt run: NAME"). */
  title?: string;
  traversalSteps?: number;
  onWarning?: (message: string) => void;
}

export async function runReportHtml(dir: string, options: RunReportOptions = {}): Promise<BuiltReport> {
  const { title, subtitle, sections } = await runReportSections(dir, options);
  return buildReport(title, subtitle, sections);
}

/**
 * The run report's sections, for pages that combine several runs (`sculpt demo`): pass a distinct
 * `idPrefix` per run so SVG element ids stay unique on the page.
 */
export async function runReportSections(
  dir: string,
  options: RunReportOptions & { idPrefix?: string } = {},
): Promise<{ title: string; subtitle: string; sections: Section[] }> {
  const run = readRunFiles(dir);
  const svg = (spec: Parameters<typeof renderSvg>[0], id: string) =>
    renderSvg(spec, { idPrefix: (options.idPrefix ?? "") + id, onWarning: options.onWarning });
  const sections: Section[] = [overview(run)];
  if (options.dataPreview ?? true) sections.push(await dataSection(run));

  if (run.history.length > 0) {
    const bad = run.badHistoryLines ? note(`${run.badHistoryLines} unreadable line(s) of ${RUN_FILES.history} skipped.`) : "";
    sections.push({ id: "training", title: "Training", body: figure(await svg(trainingCurvesSpec(run.history), "curves")) + bad });
  } else if (run.badHistoryLines > 0) {
    const body = note(
      `${RUN_FILES.history} is corrupt: none of its ${run.badHistoryLines} line(s) is a JSON record; rerun or resume the training.`,
    );
    sections.push({ id: "training", title: "Training", body });
  } else sections.push({ id: "training", title: "Training", body: note(`No ${RUN_FILES.history} yet.`) });

  sections.push({
    id: "metrics",
    title: "Metrics",
    body: run.metrics ? metricsTables(run.metrics) : note(`No ${RUN_FILES.metrics}: run \`sculpt eval\` on this run.`),
  });

  let prior: Prior | null = null;
  const { spec: priorSpec, why: noPrior } = runPrior(run);
  if (run.latents) {
    const parts: string[] = [];
    if (priorSpec !== null) {
      try {
        prior = loadPrior(priorSpec, run.latents.cols);
      } catch (err) {
        parts.push(note(`The prior could not be rebuilt (${(err as Error).message}); marginals are shown without it.`));
      }
    }
    const n = run.latents.rows;
    parts.push(
      figure(await svg(covarianceHeatmapSpec(run.latents), "cov"), `Sample covariance of ${n} evaluation codes (${RUN_FILES.latents}).`),
    );
    parts.push(
      figure(
        await svg(marginalsSpec(run.latents, prior), "marginals"),
        prior
          ? `Histogram of each latent dimension over ${n} codes, with the prior ${prior.description} ${prior.marginalPdf ? "density" : "(a histogram of its samples)"}.`
          : `Histogram of each latent dimension over ${n} codes${noPrior ? `; no prior: ${noPrior}` : ""}.`,
      ),
    );
    sections.push({ id: "latents", title: "Latent space", body: parts.join("\n") });
  } else sections.push({ id: "latents", title: "Latent space", body: note(`No ${RUN_FILES.latents} yet.`) });

  if (run.recon) {
    const grid = reconstructionGrid(run.recon.data, run.recon.shape);
    const labels = Array.from({ length: grid.columns }, (_, c) => (c % 2 === 0 ? "input" : "recon"));
    const body = figure(
      gridFigureSvg(grid, { href: pngDataUri(grid), colLabels: labels }),
      `Evaluation inputs beside their reconstructions (${RUN_FILES.recon}).`,
    );
    sections.push({ id: "reconstructions", title: "Reconstructions", body });
  }

  const traversals = await traversalSection(run, prior, noPrior !== null, options);
  if (traversals) sections.push(traversals);

  const subtitle = [run.config.model && modelName(run.config.model), run.config.dataset, run.latents && `d = ${run.latents.cols}`, run.dir]
    .filter(Boolean)
    .join(" · ");
  return { title: options.title ?? `sculpt run: ${run.name}`, subtitle, sections };
}

/** An 8×8 grid of training images drawn by a seeded choice (as `sculpt data preview` does). */
async function dataSection(run: RunFiles): Promise<Section> {
  const name = run.config.dataset;
  const section = (body: string): Section => ({ id: "data", title: "Data", body });
  if (typeof name !== "string") return section(note("The config names no data set."));
  try {
    const options = (run.config.datasetOptions ?? {}) as Record<string, unknown>;
    const d = await loadDataset(name, { ...options, split: "train" });
    const indices = previewIndices(d.size, 64, 0);
    const grid = previewGrid(imageBatch(d.images(indices), [indices.length, ...d.shape]));
    const caption = `${indices.length} of the ${d.size} training images of ${name} (${d.shape.join("×")}).`;
    return section(figure(gridFigureSvg(grid, { href: pngDataUri(grid) }), caption));
  } catch (err) {
    if (!(err instanceof SculptError)) throw err;
    return section(note(`The data set could not be opened: ${err.problem}`));
  }
}

/**
 * The prior spec the run's codes were pushed toward, from the model registry (`modelPrior`), or
 * null with the reason when there is none: a plain AE's codes are not drawn against N(0, 1).
 */
function runPrior(run: RunFiles): { spec: string | PriorConfig | null; why: string | null } {
  const kind = modelName(run.config.model);
  const configured = run.config.prior as string | PriorConfig | undefined;
  try {
    const spec = modelPrior(kind, configured);
    return { spec, why: spec === null ? `the ${kind} objective does not push its codes toward one` : null };
  } catch (err) {
    if (!(err instanceof SculptError)) throw err;
    // A model this version does not know: trust the config's own prior, if it names one.
    return configured === undefined
      ? { spec: null, why: `model '${kind || "?"}' is unknown and the config names no prior` }
      : { spec: configured, why: null };
  }
}

function modelName(model: unknown): string {
  return modelKind(model) ?? "";
}

function valueCell(v: unknown): Cell {
  if (typeof v === "number") return v;
  if (typeof v === "string") return { html: `<span class="mono">${escapeHtml(v)}</span>` };
  return { html: `<span class="mono">${escapeHtml(JSON.stringify(v))}</span>` };
}

function overview(run: RunFiles): Section {
  const parts: string[] = [];
  const status = run.status;
  if (status) {
    parts.push(
      `<p>Status: <b>${escapeHtml(String(status.state))}</b> at epoch ${escapeHtml(String(status.epoch))}, step ${escapeHtml(String(status.step))}${status.message ? ` — ${escapeHtml(String(status.message))}` : ""}</p>`,
    );
    const collapse = status.collapse as { epoch?: number; minVariance?: number } | undefined;
    if (collapse) {
      parts.push(
        `<p class="warn">The codes collapsed at epoch ${escapeHtml(String(collapse.epoch))} (smallest variance ${escapeHtml(formatNumber(Number(collapse.minVariance)))}).</p>`,
      );
    }
  }
  parts.push(
    "<h3>Configuration</h3>",
    table(
      ["field", "value"],
      Object.entries(run.config).map(([k, v]) => [k, valueCell(v)]),
    ),
  );
  if (run.environment)
    parts.push(
      "<h3>Environment</h3>",
      table(
        ["field", "value"],
        Object.entries(run.environment).map(([k, v]) => [k, valueCell(Array.isArray(v) ? v.join("; ") : v)]),
      ),
    );
  return { id: "overview", title: "Overview", body: parts.join("\n") };
}

/** One table per namespace (the part of the key before the first "." or "/"), then what was skipped and why. */
function metricsTables(metrics: RunMetricsFile): string {
  const groups = new Map<string, [string, number | string][]>();
  for (const [k, v] of Object.entries(metrics.values)) {
    const ns = /^[^./]+/.exec(k)?.[0] ?? k;
    groups.set(ns, [...(groups.get(ns) ?? []), [k, v]]);
  }
  const blocks = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ns, rows]) => {
      const body = rows
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k === ns ? "(value)" : k.slice(ns.length + 1), valueCell(v)] as Cell[]);
      const secs = metrics.seconds[ns];
      const time = secs === undefined ? "" : ` <span class="note">${escapeHtml(formatNumber(secs))} s</span>`;
      return `<div><h3>${escapeHtml(ns)}${time}</h3>${table(["metric", "value"], body, "metrics")}</div>`;
    });
  const skipped = Object.entries(metrics.skipped);
  const skippedList = skipped.length
    ? `<p class="note">Not computed: ${skipped.map(([m, why]) => `${escapeHtml(m)} (${escapeHtml(why)})`).join("; ")}.</p>`
    : "";
  if (blocks.length === 0) return note(`${RUN_FILES.metrics} holds no values.`) + skippedList;
  return `<div class="row">${blocks.join("\n")}</div>` + skippedList;
}

/** The `max` dimensions whose codes vary most, in index order (all of them when d ≤ max). */
function traversalDims(codes: Matrix, max: number): number[] {
  const all = Array.from({ length: codes.cols }, (_, j) => j);
  if (codes.cols <= max) return all;
  const cov = covariance(codes);
  return all
    .sort((a, b) => cov[b * codes.cols + b] - cov[a * codes.cols + a])
    .slice(0, max)
    .sort((a, b) => a - b);
}

async function traversalSection(
  run: RunFiles,
  prior: Prior | null,
  priorLess: boolean,
  options: RunReportOptions,
): Promise<Section | null> {
  // Only runs that have saved networks get traversals; a run still in its first epoch has none.
  const trained = existsSync(join(run.dir, RUN_FILES.decoder)) || existsSync(join(run.dir, `${RUN_FILES.checkpoint}.bin`));
  if (!run.latents || !trained) return null;
  const openRun = options.openRun ?? ((dir: string) => loadRun(dir));
  let decoder: RunDecoder;
  try {
    decoder = await openRun(run.dir);
  } catch (err) {
    // The rest of the report stands on its own: say why traversals are missing rather than fail.
    const why = err instanceof SculptError ? err.problem : (err as Error).message;
    return { id: "traversals", title: "Latent traversals", body: note(`The decoder could not be loaded: ${why}`) };
  }
  const reconShape = run.recon?.shape.length === 5 ? (run.recon.shape.slice(2) as [number, number, number]) : undefined;
  const shape = decoder.shape ?? reconShape;
  if (!shape) {
    decoder.dispose?.();
    return {
      id: "traversals",
      title: "Latent traversals",
      body: note(`Traversals need the image shape, from the decoder or ${RUN_FILES.recon}.`),
    };
  }
  const [h, w, c] = shape;
  try {
    const ranges = traversalRanges(run.latents, prior);
    const inputs = showcaseRows(run.latents.rows, options.traversalInputs ?? 3);
    const steps = options.traversalSteps ?? 9;
    const dims = traversalDims(run.latents, options.traversalDims ?? 10);
    const found = await latentTraversals(run.latents, decoder.decode, { inputs, dims, steps, imageShape: [h, w, c], ranges });
    const rowLabels = dims.map((j) => `${latentLabel(j)} ${formatNumber(ranges[j][0])}…${formatNumber(ranges[j][1])}`);
    // Tiles of at least ~32 px, so several inputs' traversals fit side by side.
    const scale = Math.max(1, Math.ceil(32 / h));
    const figs = found.map((t) =>
      figure(gridFigureSvg(t.grid, { href: pngDataUri(t.grid), rowLabels, scale, title: `input ${t.input + 1}` })),
    );
    const source = prior?.marginalRange
      ? `the prior's range (${prior.description})`
      : priorLess
        ? "the codes' own 2nd–98th percentiles of each dimension (the model has no prior)"
        : "the codes' 2nd–98th percentiles of each dimension";
    const subset = dims.length < run.latents.cols ? ` Only the ${dims.length} dimensions with the largest code variance are shown.` : "";
    return {
      id: "traversals",
      title: "Latent traversals",
      body:
        `<div class="row">${figs.join("")}</div>` +
        note(
          `Each row sets one latent to ${steps} evenly spaced values across ${source}, keeping the input's other codes; columns go from low to high.${subset}`,
        ),
    };
  } finally {
    decoder.dispose?.();
  }
}
