/**
 * The table of runs shared by the home and sweep views: one row per run with its model, data set,
 * prior, latent size, seed, state and a few headline metrics, a tick box per run, and a button
 * that opens the comparison of the ticked runs.
 */
import { METRICS } from "../../core/metrics/index.js";
import { metricLabel } from "../../core/sweep/metric-info.js";
import type { RunSummary } from "../api-types.js";
import { formatNumber, h, table } from "../dom.js";
import { routeHash } from "../route.js";

/**
 * Headline metrics: each metric's headline key as its registry entry declares it, in registry order
 * (the order tables show metrics), those any of these runs has, at most `max`.
 */
export function headlineMetrics(runs: readonly RunSummary[], max = 4): string[] {
  const present = new Set(runs.flatMap((r) => Object.keys(r.metrics)));
  return Object.values(METRICS)
    .map((m) => m.headline)
    .filter((key) => present.has(key))
    .slice(0, max);
}

export function runsTable(runs: readonly RunSummary[]): HTMLElement {
  if (runs.length === 0) return h("p", { class: "note" }, "No run folders here (a run folder holds config.json).");
  const metrics = headlineMetrics(runs);
  const ticked = new Set<string>();
  const button = h("button", { type: "button", id: "compare-button", disabled: true }, "Compare ticked runs");
  const refresh = () => {
    (button as HTMLButtonElement).disabled = ticked.size < 2;
    button.textContent = ticked.size < 2 ? "Compare ticked runs (tick two or more)" : `Compare ${ticked.size} runs`;
  };
  button.addEventListener("click", () => {
    location.hash = routeHash({ view: "compare", ids: runs.map((r) => r.id).filter((id) => ticked.has(id)) });
  });
  refresh();
  const rows = runs.map((r) => [
    h("input", {
      type: "checkbox",
      "aria-label": `tick ${r.id}`,
      "data-run": r.id,
      onchange: (e: Event) => {
        if ((e.target as HTMLInputElement).checked) ticked.add(r.id);
        else ticked.delete(r.id);
        refresh();
      },
    }),
    h("a", { href: routeHash({ view: "run", id: r.id }), class: "run-link" }, runLabel(r)),
    r.model ?? "",
    r.dataset ?? "",
    h("code", {}, r.prior ?? ""),
    r.latentDim ?? "",
    r.seed ?? "",
    h("span", { class: `state ${r.state ?? ""}` }, r.problem ? `unreadable: ${r.problem}` : (r.state ?? "")),
    ...metrics.map((m) => (m in r.metrics ? formatNumber(r.metrics[m]) : "")),
  ]);
  return h(
    "div",
    { class: "runs" },
    table(["", "run", "model", "data", "prior", "latent", "seed", "state", ...metrics.map(metricLabel)], rows, { class: "runs-table" }),
    h("p", {}, button),
  );
}

/** The run's id, and its name when config.json gives one that differs from the folder's. */
export function runLabel(r: RunSummary): string {
  return r.name === r.id.split("/").pop() ? r.id : `${r.id} (${r.name})`;
}
