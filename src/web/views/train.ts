/**
 * The Train view: set up a run (data set made in the page or images loaded from disk, model, prior
 * spec, λ, kernel, sizes), train it in a Web Worker with the core `train` loop on WebGPU, WebGL or
 * wasm (a `?backend=` query or the select forces one; auto passes over software adapters and says
 * why), and watch the codes take the prior's shape: loss terms over steps, each dimension's
 * histogram against the prior density, a scatter over prior samples, inputs beside
 * reconstructions, traversals on demand, and the running KS and LPS. Pause to change λ or the
 * prior (marked on the curves); export the run as a zip run folder, or import one.
 */
import { KERNELS } from "../../core/kernels/index.js";
import { marginalsSpec, reconstructionGrid } from "../../core/figures/index.js";
import { matrix, type Matrix } from "../../core/matrix.js";
import { modelEntry, modelPrior, resolveModelConfig } from "../../core/models/index.js";
import { createPrior } from "../../core/priors/index.js";
import type { Prior } from "../../core/priors/types.js";
import { Rng } from "../../core/random.js";
import type { TrainConfig } from "../../core/train/config.js";
import { fill, formatNumber, h } from "../dom.js";
import { playgroundMarginalsSpec, priorFromText, scatterSpec } from "../playground-model.js";
import type { Route, ViewContext } from "../route.js";
import { DATASET_NAMES, DEFAULT_FORM, MODEL_NAMES, datasetSize, formConfig, parseChannels, type TrainForm } from "../train/config.js";
import { fidelityReading, lossCurvesSpec, type LossPoint } from "../train/figures.js";
import { loadImageFiles, loadNpyFile, type LoadedImages } from "../train/files.js";
import { BACKEND_CHOICES, type BackendChoice, type FromWorker, type ToWorker } from "../train/protocol.js";
import type { Change, FigureFrame } from "../train/session.js";
import { drawSpec, imageCanvas } from "../vega.js";

/** Kept across visits (the worker and its run too: leaving the view does not stop training). */
const form: TrainForm = { ...DEFAULT_FORM };
let live: Live | null = null;
/** Images loaded from disk (the data set "file"), kept across visits like the form. */
let loaded: LoadedImages | null = null;

interface Live {
  worker: Worker;
  config: TrainConfig | null;
  backend: string;
  /** Why auto choice passed over the backends before it (e.g. a software WebGPU adapter). */
  backendWhy: string;
  state: string;
  step: number;
  totalSteps: number;
  rate: number;
  loss: LossPoint[];
  changes: Change[];
  frame: FigureFrame | null;
  /** Redraws the view's figures from this object; replaced when the view is rebuilt. */
  redraw: () => void;
  status: () => void;
  onExport?: (zip: Uint8Array, name: string) => void;
  onTraversal?: (grid: { width: number; height: number; data: Uint8ClampedArray | Uint8Array }) => void;
  error: string;
}

function queryBackend(): BackendChoice {
  const q = new URLSearchParams(location.search).get("backend");
  return (BACKEND_CHOICES as readonly string[]).includes(q ?? "") ? (q as BackendChoice) : "auto";
}

export async function trainView(el: HTMLElement, route: Route, ctx: ViewContext): Promise<void> {
  if (route.view !== "train") return;
  document.title = "sculpt · train";
  const input = (id: string, value: string | number, attrs: Record<string, string | number> = {}) =>
    h("input", { id, value: String(value), spellcheck: "false", autocomplete: "off", ...attrs }) as HTMLInputElement;
  const select = (id: string, options: readonly string[], value: string) => {
    const s = h("select", { id }, ...options.map((o) => h("option", { value: o }, o))) as HTMLSelectElement;
    s.value = value;
    return s;
  };
  const dataset = select("tr-dataset", DATASET_NAMES, form.dataset);
  const fileInput = h("input", { id: "tr-file", type: "file", accept: ".npy,.png,.jpg,.jpeg", multiple: "" }) as HTMLInputElement;
  const folderInput = h("input", { id: "tr-folder", type: "file", webkitdirectory: "" }) as HTMLInputElement;
  const fileInfo = h("output", { id: "tr-file-info" });
  const showLoaded = () => {
    dataset.querySelector('option[value="file"]')?.remove();
    if (loaded) {
      const [hh, w, c] = loaded.shape;
      const text = `${loaded.root}: ${loaded.size} images of ${hh}×${w}×${c}`;
      dataset.append(h("option", { value: "file" }, `from disk (${loaded.root})`));
      fill(fileInfo, text);
    } else fill(fileInfo, "");
  };
  showLoaded();
  if (form.dataset === "file" && loaded) dataset.value = "file";
  const limit = input("tr-limit", form.limit, { type: "number", min: 0, class: "small", title: "keep the first n images (0: all)" });
  const model = select("tr-model", MODEL_NAMES, form.model);
  const prior = input("tr-prior", form.prior, { class: "spec", "aria-label": "prior spec" });
  const lambda = input("tr-lambda", form.lambda, { type: "number", min: 0, step: 0.1, class: "small" });
  const kernel = select("tr-kernel", Object.keys(KERNELS), form.kernel);
  const latent = input("tr-latent", form.latentDim, { type: "number", min: 1, max: 64, class: "small" });
  const widths = input("tr-widths", form.channels.join(", "), { class: "widths", title: "conv channels, encoder order" });
  const batch = input("tr-batch", form.batchSize, { type: "number", min: 2, class: "small" });
  const steps = input("tr-steps", form.steps, { type: "number", min: 1, class: "small" });
  const lr = input("tr-lr", form.lr, { type: "number", min: 0, step: 1e-4, class: "small" });
  const seed = input("tr-seed", form.seed, { type: "number", min: 0, class: "small" });
  const backend = select("tr-backend-choice", BACKEND_CHOICES, live ? "auto" : queryBackend());
  const every = input("tr-every", 10, { type: "number", min: 1, class: "small", title: "steps between figure updates" });
  const specError = h("pre", { id: "tr-spec-error", class: "error", role: "alert", hidden: true });
  const error = h("pre", { id: "tr-error", class: "error", role: "alert", hidden: true });
  const button = (id: string, text: string, onclick: () => void) => h("button", { id, type: "button", onclick }, text) as HTMLButtonElement;
  const trainBtn = button("tr-train", "Train", () => void start());
  const pauseBtn = button("tr-pause", "Pause", () => send({ type: "pause" }));
  const resumeBtn = button("tr-resume", "Resume", () => resume());
  const stopBtn = button("tr-stop", "Stop", () => send({ type: "stop" }));
  const exportBtn = button("tr-export", "Export run (zip)", () => send({ type: "export" }));
  const traverseBtn = button("tr-traverse", "Traversals", () => send({ type: "traverse" }));
  const importInput = h("input", { id: "tr-import", type: "file", accept: ".zip,application/zip" }) as HTMLInputElement;
  const statusLine = h("p", { id: "tr-status", class: "tr-status" });
  const xSel = h("select", { id: "tr-x", "aria-label": "scatter x" }) as HTMLSelectElement;
  const ySel = h("select", { id: "tr-y", "aria-label": "scatter y" }) as HTMLSelectElement;
  const lossEl = h("div", { id: "tr-loss", class: "figure" });
  const histEl = h("div", { id: "tr-hist", class: "figure" });
  const scatterEl = h("div", { id: "tr-scatter", class: "figure" });
  const reconEl = h("div", { id: "tr-recon", class: "figure" });
  const travEl = h("div", { id: "tr-traversal", class: "figure" });
  const fidEl = h("p", { id: "tr-fidelity" });
  const changesEl = h("ul", { id: "tr-changes", class: "note" });

  fill(
    el,
    h("h2", {}, "Train"),
    h(
      "p",
      { class: "note" },
      "Train an autoencoder in this page (a Web Worker running sculpt's training loop) and watch its codes take the prior's shape. ",
      "Pause to change λ or the prior; export the run as a run folder that `sculpt eval`, `report` and `serve` read.",
    ),
    h(
      "div",
      { class: "tr-form" },
      h("label", {}, "data ", dataset),
      h(
        "label",
        { title: ".npy: N×H×W or N×H×W×C, uint8 or float in [0, 1]; or PNG/JPEG images of one size" },
        "or from disk: a .npy or images ",
        fileInput,
      ),
      h("label", {}, "an image folder ", folderInput),
      fileInfo,
      h("label", {}, "first n ", limit),
      h("label", {}, "model ", model),
      h("label", {}, "λ ", lambda),
      h("label", {}, "kernel ", kernel),
      h("label", {}, "latent size ", latent),
      h("label", {}, "widths ", widths),
      h("label", {}, "batch ", batch),
      h("label", {}, "steps ", steps),
      h("label", {}, "lr ", lr),
      h("label", {}, "seed ", seed),
      h("label", {}, "backend ", backend),
      h("label", {}, "figures every ", every),
    ),
    h("div", { class: "pg-spec" }, h("label", { for: "tr-prior" }, "prior "), prior),
    specError,
    h(
      "div",
      { class: "tr-buttons" },
      trainBtn,
      pauseBtn,
      resumeBtn,
      stopBtn,
      exportBtn,
      traverseBtn,
      h("label", {}, " continue a run folder (zip) ", importInput),
    ),
    error,
    statusLine,
    fidEl,
    changesEl,
    h("div", { class: "tr-figures" }, lossEl, h("div", {}, h("label", {}, "scatter x ", xSel, " y ", ySel), scatterEl)),
    histEl,
    h("div", { class: "tr-figures" }, reconEl, travEl),
  );

  const readForm = (): TrainForm => {
    const num = (i: HTMLInputElement) => Number(i.value);
    return {
      dataset: dataset.value as TrainForm["dataset"],
      limit: num(limit),
      model: model.value,
      prior: prior.value,
      lambda: num(lambda),
      kernel: kernel.value,
      latentDim: num(latent),
      channels: parseChannels(widths.value),
      batchSize: num(batch),
      steps: num(steps),
      lr: num(lr),
      seed: num(seed),
    };
  };

  // The prior spec checked as typed (the playground's parser messages, with position and caret).
  const checkSpec = (): Prior | null => {
    const usesPrior = modelEntry(model.value).usesPrior;
    prior.disabled = !usesPrior || (live !== null && live.state !== "paused");
    lambda.disabled = !("lambda" in resolveModelConfig({ kind: model.value })) || (live !== null && live.state !== "paused");
    kernel.disabled = !("kernel" in resolveModelConfig({ kind: model.value })) || live !== null;
    if (!usesPrior) {
      specError.hidden = true;
      return null;
    }
    const r = priorFromText(prior.value, Number(latent.value) || 1);
    specError.hidden = r.ok;
    if (!r.ok) specError.textContent = r.message;
    return r.ok ? r.prior : null;
  };
  prior.addEventListener("input", checkSpec);
  latent.addEventListener("input", checkSpec);
  model.addEventListener("change", checkSpec);

  // Images from disk: checked and decoded here, so a bad file is reported before any training.
  async function loadFiles(files: File[]): Promise<void> {
    if (live || files.length === 0) return;
    showError("");
    fill(fileInfo, "loading…");
    try {
      const npy = files.find((f) => /\.npy$/i.test(f.name));
      if (npy && files.length > 1) throw new Error("choose one .npy file, or image files without a .npy");
      loaded = npy ? await loadNpyFile(npy) : await loadImageFiles(files);
      showLoaded();
      dataset.value = "file";
    } catch (err) {
      loaded = null;
      showLoaded();
      showError((err as Error).message);
    }
  }
  for (const i of [fileInput, folderInput]) i.addEventListener("change", () => void loadFiles(Array.from(i.files ?? [])));

  function send(m: ToWorker, transfer: Transferable[] = []): void {
    live?.worker.postMessage(m, transfer);
  }

  const showError = (message: string) => {
    error.textContent = message;
    error.hidden = !message;
  };

  function resume(): void {
    if (!live?.config) return;
    const changes: { lambda?: number; prior?: string } = {};
    const mc = live.config.model as Record<string, unknown>;
    if ("lambda" in mc && Number(lambda.value) !== mc.lambda) changes.lambda = Number(lambda.value);
    if (modelEntry(live.config.model.kind).usesPrior && prior.value !== live.config.prior) {
      if (!checkSpec()) return showError("fix the prior spec before resuming");
      changes.prior = prior.value;
    }
    showError("");
    send({ type: "resume", ...changes });
  }

  function newWorker(): Live {
    const worker = new Worker(new URL("train-worker.js", document.baseURI), { type: "module" });
    const l: Live = {
      worker,
      config: null,
      backend: "",
      backendWhy: "",
      state: "starting",
      step: 0,
      totalSteps: 0,
      rate: 0,
      loss: [],
      changes: [],
      frame: null,
      redraw: () => {},
      status: () => {},
      error: "",
    };
    worker.addEventListener("message", (e: MessageEvent<FromWorker>) => onMessage(l, e.data));
    worker.addEventListener("error", (e) => {
      l.error = e.message || "the training worker failed to load";
      l.state = "failed";
      l.status();
    });
    return l;
  }

  async function start(): Promise<void> {
    if (live) return;
    showError("");
    let config: TrainConfig;
    try {
      Object.assign(form, readForm());
      if (modelEntry(form.model).usesPrior && !checkSpec()) throw new Error("fix the prior spec first");
      const file = form.dataset === "file" ? loaded : null;
      const size = file ? (form.limit > 0 ? Math.min(form.limit, file.size) : file.size) : (await datasetSize(form)).size;
      config = formConfig(form, size, file ?? undefined);
    } catch (err) {
      return showError((err as Error).message);
    }
    live = newWorker();
    bind(live);
    const figureEvery = Number(every.value) || 10;
    const images = form.dataset === "file" ? loaded! : undefined;
    send({ type: "start", config, backend: backend.value as BackendChoice, figureEvery, base: baseUrl(), images });
  }

  importInput.addEventListener("change", () => {
    const file = importInput.files?.[0];
    if (!file || live) return;
    void file.arrayBuffer().then((buf) => {
      live = newWorker();
      bind(live);
      const zip = new Uint8Array(buf);
      const total = Number(steps.value);
      send(
        {
          type: "import",
          zip,
          steps: Number.isInteger(total) && total > 0 ? total : null,
          backend: backend.value as BackendChoice,
          figureEvery: Number(every.value) || 10,
          base: baseUrl(),
        },
        [zip.buffer],
      );
    });
  });

  // Figures: drawn from the latest frame, one redraw at a time (frames that arrive meanwhile are skipped).
  let drawing = false;
  let again = false;
  let lastFidelity = 0;
  let shownPrior: { spec: string; dim: number; prior: Prior | null; samples: Matrix | null } | null = null;
  const priorFor = (l: Live): { prior: Prior | null; samples: Matrix | null } => {
    const c = l.config!;
    const target = modelPrior(c.model.kind, c.prior as string) as string | null;
    const spec = target ?? "";
    if (!shownPrior || shownPrior.spec !== spec || shownPrior.dim !== c.latentDim) {
      const p = target === null ? null : createPrior(target, { dim: c.latentDim });
      shownPrior = { spec, dim: c.latentDim, prior: p, samples: p ? p.sample(1500, new Rng(0)) : null };
    }
    return shownPrior;
  };

  async function draw(l: Live): Promise<void> {
    if (drawing) {
      again = true;
      return;
    }
    drawing = true;
    try {
      do {
        again = false;
        if (!ctx.current() || live !== l) return;
        if (l.loss.length) await drawSpec(lossEl, lossCurvesSpec(l.loss, l.changes));
        const f = l.frame;
        if (f && l.config) {
          const codes = matrix(f.codes.rows, f.codes.cols, f.codes.data);
          const { prior: p, samples } = priorFor(l);
          fillDims(xSel, codes.cols, Number(xSel.value || 0));
          fillDims(ySel, codes.cols, Number(ySel.value || Math.min(1, codes.cols - 1)));
          histEl.dataset.step = String(f.step);
          if (p && samples) await drawSpec(histEl, playgroundMarginalsSpec(p, samples, codes));
          else await drawSpec(histEl, marginalsSpec(codes, null, { bins: 30, title: `codes at step ${f.step} (the model has no prior)` }));
          if (codes.cols >= 2) await drawSpec(scatterEl, scatterSpec(samples ?? codes, codes, Number(xSel.value), Number(ySel.value)));
          fill(
            reconEl,
            h("p", { class: "note" }, `inputs (left) and reconstructions (right) at step ${f.step}`),
            imageCanvas(reconstructionGrid(f.recon, [2, f.reconCount, ...f.shape], 4), 1),
          );
          // KS and LPS at most once a second: they run here, on the page's thread.
          if (performance.now() - lastFidelity > 1000 || l.state !== "running") {
            lastFidelity = performance.now();
            const r = fidelityReading(codes, p);
            fill(
              fidEl,
              `At step ${f.step}: `,
              p ? h("span", {}, "KS to the prior (max over dims) ", h("output", { id: "tr-ks" }, formatNumber(r.ksMax)), "; ") : "",
              "LPS ",
              h("output", { id: "tr-lps" }, r.lps === null ? "—" : formatNumber(r.lps)),
              ` (${codes.rows} codes)`,
            );
          }
        }
        el.dataset.frames = String(Number(el.dataset.frames ?? 0) + 1);
      } while (again);
    } catch (err) {
      showError(`drawing failed: ${(err as Error).message}`);
    } finally {
      drawing = false;
    }
  }

  function bind(l: Live): void {
    l.redraw = () => void draw(l);
    l.status = () => {
      if (!ctx.current()) return;
      const running = l.state === "running";
      const paused = l.state === "paused";
      trainBtn.disabled = true;
      importInput.disabled = true;
      pauseBtn.disabled = !running;
      resumeBtn.disabled = !paused;
      stopBtn.disabled = !(running || paused);
      exportBtn.disabled = !(paused || l.state === "done" || l.state === "stopped");
      traverseBtn.disabled = !(running || paused || l.state === "done" || l.state === "stopped");
      for (const c of [dataset, fileInput, folderInput, limit, model, latent, widths, batch, steps, lr, seed, backend, every])
        c.disabled = true;
      checkSpec();
      fill(
        statusLine,
        "backend ",
        h("output", { id: "tr-backend" }, l.backend || "…"),
        l.backendWhy ? h("span", {}, " (", h("output", { id: "tr-backend-why" }, l.backendWhy), ")") : "",
        " · ",
        h("output", { id: "tr-state" }, l.state),
        " · step ",
        h("output", { id: "tr-step" }, String(l.step)),
        ` of ${l.totalSteps}`,
        " · ",
        h("output", { id: "tr-rate" }, l.rate ? l.rate.toFixed(1) : "—"),
        " steps/s",
        l.loss.length ? ` · loss ${formatNumber(l.loss.filter((p) => p.term === "loss/total").at(-1)?.value ?? NaN)}` : "",
      );
      fill(changesEl, ...l.changes.map((c) => h("li", {}, `step ${c.step}: ${c.text}`)));
      if (l.error) showError(l.error);
    };
    l.onExport = (zip, name) => {
      const url = URL.createObjectURL(new Blob([zip as BlobPart], { type: "application/zip" }));
      const a = h("a", { href: url, download: `${name}.zip`, id: "tr-download" }, `${name}.zip`);
      statusLine.after(a);
      a.click();
    };
    l.onTraversal = (grid) => {
      fill(travEl, h("p", { class: "note" }, "traversals of the first input: one row per latent dimension"), imageCanvas(grid as never, 1));
    };
    l.status();
    l.redraw();
  }

  const trigger = () => live?.redraw();
  xSel.addEventListener("change", trigger);
  ySel.addEventListener("change", trigger);
  if (live) {
    // Back on the view while a run exists: show it.
    if (live.config) fillFormFrom(live.config);
    bind(live);
  } else checkSpec();

  function fillFormFrom(c: TrainConfig): void {
    dataset.value = (DATASET_NAMES as string[]).includes(c.dataset) ? c.dataset : "file";
    model.value = c.model.kind;
    prior.value = String(c.prior);
    latent.value = String(c.latentDim);
    widths.value = (c.channels ?? []).join(", ");
    batch.value = String(c.batchSize);
    lr.value = String(c.lr);
    seed.value = String(c.seed);
    limit.value = String((c.datasetOptions.limit as number | undefined) ?? 0);
    const mc = c.model as Record<string, unknown>;
    if (typeof mc.lambda === "number") lambda.value = String(mc.lambda);
    if (typeof mc.kernel === "string") kernel.value = mc.kernel;
  }

  function onMessage(l: Live, m: FromWorker): void {
    switch (m.type) {
      case "backend":
        l.backend = m.name;
        l.backendWhy = m.notes.join("; ");
        break;
      case "started":
        l.config = m.config;
        l.totalSteps = m.totalSteps;
        l.step = m.startStep;
        l.state = "running";
        l.changes = [...m.changes];
        for (const r of m.history)
          for (const [term, value] of Object.entries(r)) if (term.startsWith("loss/")) l.loss.push({ step: r.step, term, value });
        if (ctx.current() && live === l) fillFormFrom(m.config);
        break;
      case "step":
        l.step = m.step;
        l.totalSteps = m.totalSteps;
        l.rate = m.stepsPerSecond;
        for (const [term, value] of Object.entries(m.terms)) l.loss.push({ step: m.step, term, value });
        break;
      case "figures":
        l.frame = m;
        l.redraw();
        break;
      case "paused":
        l.state = "paused";
        l.step = m.step;
        break;
      case "resumed":
        l.state = "running";
        break;
      case "change":
        l.changes.push(m.change);
        if (l.config) {
          // Mirror the change into the config the view draws the prior from.
          const [what, value] = m.change.text.split(" → ");
          if (what === "prior") l.config = { ...l.config, prior: value };
          else l.config = { ...l.config, model: { ...l.config.model, lambda: Number(value) } };
        }
        l.redraw();
        break;
      case "end":
        l.state = m.state;
        break;
      case "export":
        l.onExport?.(m.zip, m.name);
        break;
      case "traversal":
        l.onTraversal?.(m.grid);
        break;
      case "warning":
        l.error = m.message;
        break;
      case "error":
        l.error = m.message;
        if (l.state === "starting") l.state = "failed";
        break;
      case "epoch":
        break;
    }
    // Status text at most every 100 ms while steps stream in.
    if (m.type !== "step" || performance.now() - lastStatus > 100) {
      lastStatus = performance.now();
      l.status();
    }
  }
}

let lastStatus = 0;

function baseUrl(): string {
  return new URL("./", document.baseURI).href;
}

function fillDims(select: HTMLSelectElement, d: number, wanted: number): void {
  if (select.options.length !== d) select.replaceChildren(...Array.from({ length: d }, (_, j) => h("option", { value: j }, `z${j + 1}`)));
  select.value = String(Math.max(0, Math.min(wanted, d - 1)));
}
