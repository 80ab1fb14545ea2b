/**
 * `npm run bench -- browser`: training steps/s of the Train view in headless Chromium (the static
 * build, scripts/build-web.mjs, behind a bare static server) on each backend the page can start
 * (webgpu where Chromium finds an adapter, webgl, wasm, cpu), beside Node running the same
 * TrainSession and configuration on its wasm backend (and native where the addon is built). The
 * ratio is the page's steps/s over Node's wasm. Same configuration everywhere: AE-MMD, uniform
 * prior, XY (first BENCH_BROWSER_LIMIT images, default 256), the form's default widths, d = 2, batch 32,
 * BENCH_BROWSER_STEPS steps (default 30), figures only at the start and end; the rate is the
 * session's own (the last 20 steps), so the first steps' shader or kernel compilation is left out.
 * The machine is shared: `loadAverage` is the 1-minute load before and after. BENCH_BROWSER_BACKENDS
 * picks the page's backends (comma-separated); BENCH_BROWSER_TIMEOUT bounds each (seconds, 300).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { initBackend } from "../src/node/backend.js";
import { DEFAULT_FORM, formConfig, type TrainForm } from "../src/web/train/config.js";
import { TrainSession } from "../src/web/train/session.js";
import { chromium as findChromium } from "../test/requires.js";
import { launchChromium, serveStatic } from "../test/static-server.js";

const STEPS = Number(process.env.BENCH_BROWSER_STEPS ?? 30);
const LIMIT = Number(process.env.BENCH_BROWSER_LIMIT ?? 256);
const FORM: TrainForm = {
  ...DEFAULT_FORM,
  limit: LIMIT,
  prior: "uniform(-1, 1)",
  batchSize: 32,
  steps: STEPS,
  lr: 1e-3,
};
const PAGE_BACKENDS = (process.env.BENCH_BROWSER_BACKENDS ?? "webgpu,webgl,wasm,cpu").split(",");
/** Seconds one backend may take; past it the rate so far is reported, marked as timed out. */
const TIMEOUT_S = Number(process.env.BENCH_BROWSER_TIMEOUT ?? 300);

async function nodeRate(backend: string): Promise<number | string> {
  try {
    await initBackend(backend);
  } catch (err) {
    return `unavailable: ${(err as Error).message}`;
  }
  let rate = 0;
  const s = new TrainSession({ step: (r) => (rate = r.stepsPerSecond) }, { figureEvery: STEPS });
  await s.run(formConfig(FORM, LIMIT));
  s.dispose();
  return rate;
}

export async function run(): Promise<unknown> {
  const chromium = findChromium();
  if (!chromium.ok) return { skipped: chromium.reason };
  const load0 = loadavg()[0];
  const tmp = mkdtempSync(join(tmpdir(), "sculpt-bench-browser-"));
  const page: Record<string, number | string> = {};
  try {
    await promisify(execFile)(process.execPath, [join(import.meta.dirname, "..", "scripts", "build-web.mjs"), "--out", tmp]);
    const server = await serveStatic(tmp);
    const browser = await launchChromium(chromium.path);
    try {
      for (const backend of PAGE_BACKENDS) {
        const p = await browser.newPage();
        p.setDefaultTimeout(TIMEOUT_S * 1000);
        console.error(`bench browser: ${backend} in the page`);
        await p.goto(`${server.url}?backend=${backend}#/train`);
        await p.waitForSelector("#tr-train");
        for (const [sel, v] of [
          ["#tr-limit", String(LIMIT)],
          ["#tr-prior", FORM.prior],
          ["#tr-widths", FORM.channels.join(", ")],
          ["#tr-batch", String(FORM.batchSize)],
          ["#tr-steps", String(STEPS)],
          ["#tr-lr", String(FORM.lr)],
          ["#tr-every", String(STEPS)],
        ])
          await p.fill(sel, v);
        await p.click("#tr-train");
        const finished = await p
          .waitForFunction(() => ["done", "failed"].includes(document.querySelector("#tr-state")?.textContent ?? ""))
          .then(() => true)
          .catch(() => false);
        const state = await p.locator("#tr-state").textContent();
        const error = await p.locator("#tr-error").textContent();
        const rate = Number(await p.locator("#tr-rate").textContent());
        const step = await p.locator("#tr-step").textContent();
        page[backend] = !finished
          ? `timed out after ${TIMEOUT_S} s at step ${step} (${Number.isFinite(rate) ? rate : "no"} steps/s so far)`
          : state === "done"
            ? rate
            : `unavailable: ${error}`;
        await p.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const node: Record<string, number | string> = { wasm: await nodeRate("wasm") };
  node.native = await nodeRate("native");
  const ref = node.wasm as number;
  const ratios = Object.fromEntries(Object.entries(page).map(([k, v]) => [k, typeof v === "number" ? Number((v / ref).toFixed(3)) : null]));
  return {
    config: {
      dataset: "xy",
      images: LIMIT,
      model: "ae-mmd",
      prior: FORM.prior,
      widths: FORM.channels,
      latentDim: 2,
      batchSize: 32,
      steps: STEPS,
    },
    stepsPerSecond: { page, node },
    pageOverNodeWasm: ratios,
    loadAverage: [load0, loadavg()[0]],
  };
}
