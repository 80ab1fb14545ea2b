/** The start page: every run folder under the server's root, and every sweep (a folder of runs or a ledger). */
import { getCatalogIfServed } from "../api.js";
import { fill, h } from "../dom.js";
import { routeHash, type Route, type ViewContext } from "../route.js";
import { runsTable } from "./runs-table.js";

export async function homeView(el: HTMLElement, _route: Route, ctx: ViewContext): Promise<void> {
  const catalog = await getCatalogIfServed();
  if (!ctx.current()) return;
  if (!catalog) {
    document.title = "sculpt";
    fill(
      el,
      h("h2", {}, "sculpt"),
      h(
        "p",
        {},
        "This is the static build: no run server answers here. ",
        h("a", { href: routeHash({ view: "train" }) }, "Train"),
        " a model in this page, or try priors in the ",
        h("a", { href: routeHash({ view: "playground" }) }, "prior playground"),
        ". `sculpt serve ROOT` lists the runs under ROOT.",
      ),
    );
    return;
  }
  document.title = `sculpt · ${catalog.root}`;
  fill(
    el,
    h("h2", {}, `Runs under ${catalog.root} (${catalog.runs.length})`),
    runsTable(catalog.runs),
    h("h2", {}, `Sweeps (${catalog.sweeps.length})`),
    catalog.sweeps.length === 0
      ? h("p", { class: "note" }, "No sweeps: a sweep is a folder holding run folders or a ledger.sqlite.")
      : h(
          "ul",
          { class: "sweeps" },
          ...catalog.sweeps.map((s) =>
            h(
              "li",
              {},
              h("a", { href: routeHash({ view: "sweep", id: s.id }) }, s.id === "." ? `${catalog.root} (the root)` : s.id),
              ` — ${s.runs.length} run${s.runs.length === 1 ? "" : "s"}${s.ledger ? ", ledger" : ""}`,
            ),
          ),
        ),
  );
}
