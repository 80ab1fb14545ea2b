/**
 * The dashboard's entry point (bundled by scripts/build-web.mjs): registers TensorFlow.js's cpu
 * backend for the playground's MMD, then routes the URL hash to a view: the runs and sweeps under
 * the server's root, one run, a comparison, a sweep, the prior playground, or the Train view
 * (whose training runs in its own Web Worker, train-worker.js). A view that fails
 * shows its error in place; the page itself stays usable.
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "../core/tf.js";
import { h, errorBox, fill } from "./dom.js";
import { compareView } from "./views/compare.js";
import { homeView } from "./views/home.js";
import { playgroundView } from "./views/playground.js";
import { runView } from "./views/run.js";
import { sweepView } from "./views/sweep.js";
import { trainView } from "./views/train.js";
import { parseRoute, type Route, type ViewContext } from "./route.js";

const VIEWS: Record<Route["view"], (el: HTMLElement, route: Route, ctx: ViewContext) => Promise<void>> = {
  home: homeView,
  run: runView,
  compare: compareView,
  sweep: sweepView,
  playground: playgroundView,
  train: trainView,
};

let generation = 0;

async function show(): Promise<void> {
  const mine = ++generation;
  const el = document.getElementById("view")!;
  const route = parseRoute(location.hash);
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.getAttribute("data-view") === route.view));
  fill(el, h("p", { class: "loading" }, "loading…"));
  try {
    await VIEWS[route.view](el, route, { current: () => mine === generation });
  } catch (err) {
    if (mine === generation) fill(el, errorBox((err as Error).message));
  }
}

async function start(): Promise<void> {
  await tf.setBackend("cpu");
  window.addEventListener("hashchange", () => void show());
  await show();
}

void start();
