/**
 * One sweep: its runs (tick to compare), a chosen metric against latent size per model (mean ± std
 * over seeds, paper Figures 5/12) and the per-model tables of src/core/figures/sweep.ts.
 */
import { metricVsLatentSpec, sweepTables, type SweepRecord } from "../../core/figures/index.js";
import { getSweep } from "../api.js";
import { append, errorBox, fill, formatNumber, h, table } from "../dom.js";
import type { LedgerView } from "../api-types.js";
import { routeHash, type Route, type ViewContext } from "../route.js";
import { drawSpec } from "../vega.js";
import { headlineMetrics, runsTable } from "./runs-table.js";

export async function sweepView(el: HTMLElement, route: Route, ctx: ViewContext): Promise<void> {
  if (route.view !== "sweep") return;
  const sweep = await getSweep(route.id);
  if (!ctx.current()) return;
  document.title = `sculpt · sweep ${sweep.id}`;
  const records: SweepRecord[] = sweep.runs
    .filter((r) => r.model && r.dataset && typeof r.latentDim === "number")
    .map((r) => ({ model: r.model!, dataset: r.dataset!, latentDim: r.latentDim!, seed: r.seed ?? 0, metrics: r.metrics }));
  const metrics = [...new Set(records.flatMap((r) => Object.keys(r.metrics)))].sort();
  const figure = h("div", { class: "figure" });
  const select = h("select", { id: "sweep-metric" }, ...metrics.map((m) => h("option", { value: m }, m)));
  const first = headlineMetrics(sweep.runs, 1)[0];
  if (first) (select as HTMLSelectElement).value = first;
  const draw = () =>
    drawSpec(figure, metricVsLatentSpec(records, (select as HTMLSelectElement).value)).catch((err: Error) =>
      fill(figure, errorBox(err.message)),
    );
  select.addEventListener("change", () => void draw());
  fill(
    el,
    h("h2", {}, `Sweep ${sweep.ledgerView?.name ?? sweep.id}`, sweep.ledgerView?.name ? ` (${sweep.id})` : ""),
    sweep.ledgerView ? ledgerSection(sweep.ledgerView) : null,
    h("h3", {}, `Run folders (${sweep.runs.length})`),
    runsTable(sweep.runs),
    h("h3", {}, "A metric against latent size"),
    metrics.length ? h("label", {}, "metric ", select) : h("p", { class: "note" }, "No run here has metrics yet (`sculpt eval`)."),
    figure,
  );
  if (metrics.length) await draw();
  for (const t of sweepTables(records)) {
    if (t.metrics.length === 0) continue;
    append(
      el,
      h("h3", {}, `${t.model}: mean ± std over seeds`),
      table(
        ["data", "latent", "seeds", ...t.metrics],
        t.rows.map((r) => [
          r.dataset,
          r.latentDim,
          r.seeds,
          ...t.metrics.map((m) => (r.cells[m] ? `${formatNumber(r.cells[m].mean)} ± ${formatNumber(r.cells[m].std)}` : "")),
        ]),
        { class: "sweep-table" },
      ),
    );
  }
}

/** The ledger's progress: runs per state, and every planned run with its state, grid position and outcome. */
function ledgerSection(ledger: LedgerView): HTMLElement {
  if (ledger.problem) return errorBox(ledger.problem);
  const counts = Object.entries(ledger.counts)
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
  return h(
    "section",
    { id: "ledger" },
    h("h3", {}, "Ledger"),
    h("p", { id: "ledger-counts" }, `${ledger.runs.length} planned: ${counts || "none"}.`),
    table(
      ["run", "state", "grid position", "attempts", "seconds", "error"],
      ledger.runs.map((r) => [
        r.run ? h("a", { href: routeHash({ view: "run", id: r.run }) }, r.id) : r.id,
        h("span", { class: `state ${r.state}` }, r.state),
        h(
          "code",
          {},
          Object.entries(r.coords)
            .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join(" "),
        ),
        r.attempts,
        r.seconds === undefined ? "" : formatNumber(r.seconds),
        r.error ?? "",
      ]),
      { class: "ledger-table" },
    ),
  );
}
