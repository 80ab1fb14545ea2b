/**
 * One run: its config and status, training curves, metrics, the codes' covariance heatmap and
 * marginals against the run's prior (the figure builders of src/core/figures, drawn in the page),
 * inputs beside reconstructions, and links to its files, its report and the playground.
 */
import { covarianceHeatmapSpec, marginalsSpec, reconstructionGrid, trainingCurvesSpec } from "../../core/figures/index.js";
import { modelPrior } from "../../core/models/index.js";
import { createPrior, type Prior, type PriorConfig } from "../../core/priors/index.js";
import { getLatents, getNpy, getRun } from "../api.js";
import { fileUrl, type RunDetail } from "../api-types.js";
import { flatten } from "../compare-model.js";
import { append, errorBox, fill, formatNumber, h, table } from "../dom.js";
import { routeHash, type Route, type ViewContext } from "../route.js";
import { drawSpec, imageCanvas } from "../vega.js";

export async function runView(el: HTMLElement, route: Route, ctx: ViewContext): Promise<void> {
  if (route.view !== "run") return;
  const run = await getRun(route.id);
  if (!ctx.current()) return;
  const s = run.summary;
  document.title = `sculpt · ${s.name}`;
  const files = new Set(s.files);
  const section = (id: string, title: string) => h("section", { id }, h("h3", {}, title));
  const curves = section("curves", "Training curves");
  const latents = section("latents", "Codes");
  const recon = section("reconstructions", "Inputs and reconstructions");
  fill(
    el,
    h("h2", {}, s.name, " ", h("span", { class: `state ${s.state ?? ""}` }, s.state ?? "")),
    h(
      "p",
      { class: "links" },
      h("a", { href: routeHash({ view: "playground", id: s.id }) }, "open in the prior playground"),
      files.has("report.html") ? h("a", { href: fileUrl(s.id, "report.html"), target: "_blank" }, "report.html") : null,
      ...s.files.filter((f) => f !== "report.html").map((f) => h("a", { href: fileUrl(s.id, f), class: "file" }, f)),
    ),
    overview(run),
    curves,
    metricsSection(run),
    latents,
    recon,
  );

  if (run.history.length > 0) await drawInto(curves, () => trainingCurvesSpec(run.history));
  else append(curves, note(`No training history yet${run.badHistoryLines ? ` (${run.badHistoryLines} unreadable lines)` : ""}.`));

  if (files.has("latents.npy")) {
    try {
      const codes = await getLatents(s.id);
      if (!ctx.current()) return;
      append(latents, note(`${codes.rows} codes of ${codes.cols} dimensions (latents.npy).`));
      let prior: Prior | null = null;
      try {
        prior = runPrior(run, codes.cols);
      } catch (err) {
        append(latents, note(`The run's prior cannot be drawn here: ${(err as Error).message}`));
      }
      await drawInto(latents, () => covarianceHeatmapSpec(codes));
      await drawInto(latents, () => marginalsSpec(codes, prior, { columns: 5 }));
    } catch (err) {
      append(latents, errorBox((err as Error).message));
    }
  } else append(latents, note("No latents.npy yet (written when training ends)."));

  if (files.has("recon.npy")) {
    try {
      const a = await getNpy(s.id, "recon.npy");
      if (!ctx.current()) return;
      append(recon, note("Input, then its reconstruction, four pairs to a row."), imageCanvas(reconstructionGrid(a.data, a.shape), 2));
    } catch (err) {
      append(recon, errorBox((err as Error).message));
    }
  } else append(recon, note("No recon.npy yet."));
}

/**
 * The prior the run's model pushes its codes toward, at its latent size, or null for models with
 * none (plain AE, DGAE); empirical priors need files the browser cannot read.
 */
export function runPrior(run: RunDetail, dim: number): Prior | null {
  const config = run.config && !("error" in run.config) ? run.config : {};
  const kind = (config.model as { kind?: unknown } | undefined)?.kind;
  const spec = typeof kind === "string" ? modelPrior(kind, config.prior as string | PriorConfig | undefined) : (config.prior ?? "gaussian");
  if (spec === null) return null;
  return createPrior(spec as string | PriorConfig, {
    dim,
    loadMatrix: () => {
      throw new Error("an empirical prior reads a latent file, which the dashboard does not");
    },
  });
}

function overview(run: RunDetail): HTMLElement {
  const rows: [string, string][] = [];
  const add = (prefix: string, v: unknown) => {
    if (v && typeof v === "object" && "error" in v) rows.push([prefix, `unreadable: ${String((v as { error: unknown }).error)}`]);
    else for (const [k, x] of Object.entries(flatten(v))) rows.push([`${prefix}.${k}`, String(x)]);
  };
  add("config", run.config);
  add("status", run.status);
  const env = run.environment && !("error" in run.environment) ? run.environment : undefined;
  if (env) for (const k of ["backend", "tfjs", "node", "cpu", "startedAt"]) if (k in env) rows.push([`environment.${k}`, String(env[k])]);
  return h(
    "section",
    { id: "overview" },
    h("h3", {}, "Configuration"),
    table(
      ["field", "value"],
      rows.map(([k, v]) => [k, h("code", {}, v)]),
      { class: "kv" },
    ),
  );
}

function metricsSection(run: RunDetail): HTMLElement {
  const out = h("section", { id: "metrics" }, h("h3", {}, "Metrics"));
  if (!run.metrics) append(out, note("No metrics.json yet: run `sculpt eval` on the folder."));
  else if ("error" in run.metrics && Object.keys(run.metrics).length === 1) append(out, errorBox(String(run.metrics.error)));
  else {
    const entries = Object.entries(run.metrics).sort(([a], [b]) => a.localeCompare(b));
    append(
      out,
      table(
        ["metric", "value"],
        entries.map(([k, v]) => [k, typeof v === "number" ? formatNumber(v) : v]),
        { class: "kv metrics-table" },
      ),
    );
  }
  const skipped = Object.entries(run.metricsSkipped);
  if (skipped.length) append(out, note(`Skipped: ${skipped.map(([k, why]) => `${k} (${why})`).join("; ")}.`));
  return out;
}

async function drawInto(section: HTMLElement, build: () => Parameters<typeof drawSpec>[1]): Promise<void> {
  const fig = h("div", { class: "figure" });
  append(section, fig);
  try {
    await drawSpec(fig, build());
  } catch (err) {
    fill(fig, errorBox((err as Error).message));
  }
}

const note = (text: string) => h("p", { class: "note" }, text);
