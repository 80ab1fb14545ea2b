/**
 * Two or more runs side by side: a table of config fields and metrics with each run's difference
 * to the first (config rows that agree are hidden unless asked for), and the training curves of
 * all the runs overlaid.
 */
import { getRun } from "../api.js";
import { compareCurvesSpec, compareRuns, type Cell, type CompareRow } from "../compare-model.js";
import { errorBox, fill, formatNumber, h } from "../dom.js";
import { routeHash, type Route, type ViewContext } from "../route.js";
import { drawSpec } from "../vega.js";

export async function compareView(el: HTMLElement, route: Route, ctx: ViewContext): Promise<void> {
  if (route.view !== "compare") return;
  const runs = await Promise.all(route.ids.map((id) => getRun(id)));
  if (!ctx.current()) return;
  const rows = compareRuns(runs);
  document.title = `sculpt · comparing ${runs.length} runs`;
  const tableEl = h("div", { class: "compare" });
  const showAll = h("input", { type: "checkbox", id: "show-same" });
  const redraw = () => fill(tableEl, compareTable(rows, route.ids, (showAll as HTMLInputElement).checked));
  showAll.addEventListener("change", redraw);
  redraw();
  const curves = h("div", { class: "figure" });
  const differing = rows.filter((r) => r.section === "config" && r.differs).map((r) => r.key);
  fill(
    el,
    h("h2", {}, `Comparing ${runs.length} runs`),
    h(
      "p",
      {},
      ...route.ids.flatMap((id, i) => [i ? ", " : "", h("a", { href: routeHash({ view: "run", id }) }, id)]),
      differing.length ? `. They differ in: ${differing.join(", ")}.` : ". Their configs agree.",
    ),
    h("label", {}, showAll, " show config fields that agree"),
    tableEl,
    h("h3", {}, "Training curves"),
    curves,
  );
  const spec = compareCurvesSpec(runs.map((r) => ({ name: r.summary.id, history: r.history })));
  if (!spec) fill(curves, h("p", { class: "note" }, "None of these runs has a training history."));
  else await drawSpec(curves, spec).catch((err: Error) => fill(curves, errorBox(err.message)));
}

function compareTable(rows: readonly CompareRow[], ids: readonly string[], showSame: boolean): HTMLElement {
  const shown = rows.filter((r) => r.section === "metrics" || r.differs || showSame);
  const cell = (v: Cell) => (v === undefined ? "—" : typeof v === "number" ? formatNumber(v) : v);
  const head = h("tr", {}, h("th", {}, ""), ...ids.map((id, i) => h("th", { colspan: i ? 2 : 1 }, id)));
  const sub = h(
    "tr",
    {},
    h("th", {}, "field"),
    ...ids.flatMap((_, i) => (i ? [h("th", {}, "value"), h("th", {}, "Δ vs first")] : [h("th", {}, "value")])),
  );
  const body = h("tbody", {});
  let section = "";
  for (const r of shown) {
    if (r.section !== section) {
      section = r.section;
      body.append(h("tr", { class: "section" }, h("th", { colspan: 2 * ids.length }, section)));
    }
    body.append(
      h(
        "tr",
        { class: r.differs ? "differs" : "same", "data-key": r.key },
        h("td", {}, r.key),
        ...r.values.flatMap((v, i) => {
          const value = h("td", { class: typeof v === "number" ? "num" : "" }, cell(v));
          if (i === 0) return [value];
          const d = r.deltas[i];
          return [
            value,
            h("td", { class: `num delta${d ? " nonzero" : ""}` }, d === undefined ? "" : (d > 0 ? "+" : "") + formatNumber(d)),
          ];
        }),
      ),
    );
  }
  return h("table", { class: "compare-table" }, h("thead", {}, head, sub), body);
}
