/**
 * The prior playground: type a prior spec and, as you type, see its samples' marginals against
 * its density, a scatter of two chosen dimensions, per-dimension moments and, with a run chosen,
 * the MMD² between the run's codes and the prior (the paper's kernel, on the cpu backend). A bad
 * spec shows the parser's message (position and caret) and leaves the last good figures dimmed.
 */
import type { Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/random.js";
import { getCatalogIfServed, getLatents } from "../api.js";
import type { RunSummary } from "../api-types.js";
import { fill, formatNumber, h, table } from "../dom.js";
import { boundedInt, LIMITS, moments, mmdToCodes, playgroundMarginalsSpec, priorFromText, scatterSpec } from "../playground-model.js";
import { routeHash, type Route, type ViewContext } from "../route.js";
import { drawSpec } from "../vega.js";
import { runLabel } from "./runs-table.js";

/** Kept across visits, so leaving the playground and coming back keeps what was typed. */
const state = { spec: "hybrid[gaussian, gmm(-2|2, 0.5)]", typed: false, run: "", dim: "2", n: "2000", seed: "0", x: 0, y: 1 };

export async function playgroundView(el: HTMLElement, route: Route, ctx: ViewContext): Promise<void> {
  if (route.view !== "playground") return;
  // The static build has no runs to compare with.
  const catalog = (await getCatalogIfServed()) ?? { runs: [] };
  if (!ctx.current()) return;
  document.title = "sculpt · prior playground";
  const withCodes = catalog.runs.filter((r) => r.files.includes("latents.npy"));
  const chosen = route.id !== undefined ? withCodes.find((r) => r.id === route.id) : withCodes.find((r) => r.id === state.run);
  state.run = chosen?.id ?? "";
  // A run opened from its page starts from its own prior, unless the user has typed one.
  if (chosen?.prior && route.id !== undefined && !state.typed) state.spec = chosen.prior;

  const input = (id: string, value: string, attrs: Record<string, string | number> = {}) =>
    h("input", { id, value, spellcheck: "false", autocomplete: "off", ...attrs }) as HTMLInputElement;
  const spec = input("spec", state.spec, { class: "spec", "aria-label": "prior spec" });
  const dim = input("pg-dim", state.dim, { type: "number", min: 1, max: LIMITS.maxDim, class: "small" });
  const n = input("pg-n", state.n, { type: "number", min: 2, max: LIMITS.maxSamples, step: 100, class: "small" });
  const seed = input("pg-seed", state.seed, { type: "number", min: 0, class: "small" });
  const runSelect = h(
    "select",
    { id: "pg-run" },
    h("option", { value: "" }, "(none)"),
    ...withCodes.map((r: RunSummary) => h("option", { value: r.id }, runLabel(r))),
  ) as HTMLSelectElement;
  runSelect.value = state.run;
  const xSel = h("select", { id: "pg-x", "aria-label": "x dimension" }) as HTMLSelectElement;
  const ySel = h("select", { id: "pg-y", "aria-label": "y dimension" }) as HTMLSelectElement;
  const error = h("pre", { id: "spec-error", class: "error", role: "alert", hidden: true });
  const summary = h("p", { id: "pg-summary" });
  const mmdLine = h("p", { id: "pg-mmd" });
  const momentsEl = h("div", { id: "pg-moments" });
  const marginals = h("div", { id: "pg-marginals", class: "figure" });
  const scatter = h("div", { id: "pg-scatter", class: "figure" });
  // Marginals with the moments under them on the left, the (taller) scatter on the right.
  const figures = h("div", { class: "pg-figures" }, h("div", {}, marginals, momentsEl), scatter);

  fill(
    el,
    h("h2", {}, "Prior playground"),
    h(
      "p",
      { class: "note" },
      "Type a prior spec (see the README's table: gaussian, uniform(-1, 1), gmm(-2|2, 0.5), hybrid[p1, p2*3], mvn(0|0, 1|0.8;0.8|1), mixture(…)). ",
      "1-D priors broadcast to the latent size. Choose a run to compare its codes with the prior.",
    ),
    h("div", { class: "pg-spec" }, h("label", { for: "spec" }, "prior "), spec),
    h(
      "div",
      { class: "pg-controls" },
      h("label", {}, "run ", runSelect),
      h("label", {}, "dimensions ", dim),
      h("label", {}, "samples ", n),
      h("label", {}, "seed ", seed),
      h("label", {}, "scatter x ", xSel),
      h("label", {}, "y ", ySel),
    ),
    error,
    summary,
    mmdLine,
    figures,
  );

  let token = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (delay = 150) => {
    clearTimeout(timer);
    timer = setTimeout(() => void update(), delay);
  };
  const showError = (message: string) => {
    error.textContent = message;
    error.hidden = false;
    for (const e of [figures, summary]) e.classList.add("stale");
    mmdLine.replaceChildren("MMD²: ", h("output", { id: "mmd-value" }, "—"));
  };

  async function update(): Promise<void> {
    const mine = ++token;
    const live = () => mine === token && ctx.current();
    Object.assign(state, { spec: spec.value, dim: dim.value, n: n.value, seed: seed.value, run: runSelect.value });
    let codes: Matrix | null = null;
    let count: number;
    let rngSeed: number;
    let d: number;
    try {
      count = boundedInt(n.value, "samples", 2, LIMITS.maxSamples);
      rngSeed = boundedInt(seed.value, "seed", 0, 2 ** 31 - 1);
      if (runSelect.value) {
        codes = await getLatents(runSelect.value);
        if (!live()) return;
      }
      d = codes ? codes.cols : boundedInt(dim.value, "dimensions", 1, LIMITS.maxDim);
    } catch (err) {
      return showError((err as Error).message);
    }
    dim.disabled = codes !== null;
    if (codes) dim.value = String(d);
    const result = priorFromText(spec.value, d);
    if (!result.ok) return showError(result.message);
    error.hidden = true;
    const prior = result.prior;
    const samples = prior.sample(count, new Rng(rngSeed));
    fillDims(xSel, d, state.x);
    fillDims(ySel, d, Math.min(state.y, d - 1));
    state.x = Number(xSel.value);
    state.y = Number(ySel.value);

    fill(
      summary,
      h("output", { id: "sample-count" }, String(samples.rows)),
      " samples of ",
      h("code", { id: "prior-description" }, prior.description),
      ` (${d} dimension${d === 1 ? "" : "s"}, seed ${rngSeed})`,
    );
    if (codes) {
      const reading = mmdToCodes(codes, samples);
      fill(
        mmdLine,
        `MMD² between the codes of ${runSelect.value} and the prior: `,
        h("output", { id: "mmd-value" }, formatMmd(reading.mmd2)),
        ` (rbf-mixture kernel, σ = ${formatNumber(reading.bandwidth)}, ${reading.rows[0]} codes against ${reading.rows[1]} samples)`,
      );
    } else fill(mmdLine, "MMD²: ", h("output", { id: "mmd-value" }, "—"), " (choose a run to compare its codes with the prior)");
    fill(momentsEl, momentsTable(samples, codes));

    try {
      await drawSpec(marginals, playgroundMarginalsSpec(prior, samples, codes));
      if (!live()) return;
      if (d >= 2) await drawSpec(scatter, scatterSpec(samples, codes, state.x, state.y));
      else fill(scatter, h("p", { class: "note" }, "A scatter needs two dimensions."));
      if (live()) for (const e of [figures, summary]) e.classList.remove("stale");
    } catch (err) {
      if (live()) showError((err as Error).message);
    }
  }

  spec.addEventListener("input", () => {
    state.typed = true;
    schedule();
  });
  for (const c of [dim, n, seed]) c.addEventListener("input", () => schedule(250));
  runSelect.addEventListener("change", () => {
    history.replaceState(null, "", routeHash({ view: "playground", id: runSelect.value || undefined }));
    schedule(0);
  });
  xSel.addEventListener("change", () => ((state.x = Number(xSel.value)), schedule(0)));
  ySel.addEventListener("change", () => ((state.y = Number(ySel.value)), schedule(0)));
  await update();
}

function fillDims(select: HTMLSelectElement, d: number, wanted: number): void {
  if (select.options.length !== d) select.replaceChildren(...Array.from({ length: d }, (_, j) => h("option", { value: j }, `z${j + 1}`)));
  select.value = String(Math.max(0, Math.min(wanted, d - 1)));
}

function formatMmd(v: number): string {
  return Number.isFinite(v) ? v.toExponential(3) : String(v);
}

function momentsTable(samples: Matrix, codes: Matrix | null): HTMLElement {
  const shown = Math.min(samples.cols, 16);
  const s = moments(samples);
  const c = codes ? moments(codes) : null;
  const head = ["", ...Array.from({ length: shown }, (_, j) => `z${j + 1}`)];
  const row = (label: string, v: number[]) => [label, ...v.slice(0, shown).map(formatNumber)];
  const rows = [row("prior mean", s.mean), row("prior std", s.std)];
  if (c) rows.push(row("codes mean", c.mean), row("codes std", c.std));
  return table(head, rows, { class: "moments" });
}
