/**
 * The Train view end to end in headless Chromium (chromium on PATH or SCULPT_CHROMIUM, through
 * playwright-core), on the static build (scripts/build-web.mjs output behind a bare static file
 * server, no sculpt API): train AE-MMD with a Uniform prior on XY with a small network for a fixed
 * number of steps on each forced backend (WebGL, wasm), see the loss fall and the figures update,
 * pause and export the run as a zip, then load the export in Node with `sculpt eval` (evaluateRun)
 * and check its codes against re-encoding the exported inputs with the exported encoder (1e-4).
 * Skipped with the reason in its title where Chromium is missing (test/requires.ts); with
 * SCULPT_TEST_REQUIRE_ALL=1 (CI) that fails.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { PNG } from "pngjs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xy } from "../src/core/data/xy.js";
import { evaluationSubset } from "../src/core/data/split.js";
import { serializeNpy } from "../src/core/io/npy.js";
import { Rng } from "../src/core/random.js";
import { loadDataset } from "../src/node/data/index.js";
import { evaluateRun } from "../src/node/evaluate.js";
import { readMatrix } from "../src/node/npy-file.js";
import { loadRun } from "../src/node/run.js";
import { TrainSession } from "../src/web/train/session.js";
import { ROOT } from "./helpers.js";
import { chromium } from "./requires.js";
import { launchChromium, serveStatic } from "./static-server.js";

const CHROMIUM = chromium();
/** Steps and images per backend: SwiftShader's WebGL runs about 0.3 steps/s here, wasm about 3. */
const PLAN = { wasm: { steps: 24, limit: 64 }, webgl: { steps: 8, limit: 32 } } as const;

describe.skipIf(!CHROMIUM.ok)(CHROMIUM.title("Train view in headless Chromium, static build"), () => {
  let tmp: string;
  let close: (() => Promise<void>) | undefined;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "sculpt-train-browser-"));
    const staticDir = join(tmp, "static");
    await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "build-web.mjs"), "--out", staticDir]);
    ({ url, close } = await serveStatic(staticDir));
    browser = await launchChromium(CHROMIUM.path);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function trainAndExport(backend: "webgl" | "wasm"): Promise<{ page: Page; errors: string[]; zip: Uint8Array }> {
    const { steps: STEPS, limit: LIMIT } = PLAN[backend];
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.setDefaultTimeout(240_000);
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${url}?backend=${backend}#/train`);
    await page.waitForSelector("#tr-train");
    expect(await page.locator("#tr-backend-choice").inputValue()).toBe(backend);
    const set = async (sel: string, v: string) => page.fill(sel, v);
    await page.selectOption("#tr-dataset", "xy");
    await page.selectOption("#tr-model", "ae-mmd");
    await set("#tr-limit", String(LIMIT));
    await set("#tr-prior", "uniform(-1, 1)");
    await set("#tr-latent", "2");
    await set("#tr-widths", "4, 4");
    await set("#tr-batch", "16");
    await set("#tr-steps", String(STEPS));
    await set("#tr-lr", "0.003");
    await set("#tr-lambda", "1");
    await set("#tr-every", String(STEPS / 4));
    await page.click("#tr-train");
    if (backend === "wasm") {
      // Pause mid-run (the worker takes messages between steps), change λ, resume: the change is listed.
      await page.waitForFunction(() => Number(document.querySelector("#tr-step")?.textContent) >= 4);
      await page.click("#tr-pause");
      await page.waitForFunction(() => document.querySelector("#tr-state")?.textContent === "paused");
      const at = Number(await page.locator("#tr-step").textContent());
      expect(at).toBeLessThan(STEPS);
      await set("#tr-lambda", "0.5");
      await page.click("#tr-resume");
      await page.waitForFunction(() => (document.querySelector("#tr-changes")?.textContent ?? "").includes("λ 1 → 0.5"));
      expect(await page.locator("#tr-changes").textContent()).toBe(`step ${at}: λ 1 → 0.5`);
    }
    await page.waitForFunction(() => document.querySelector("#tr-state")?.textContent === "done", null, { timeout: 240_000 });
    expect(await page.locator("#tr-backend").textContent()).toBe(backend);
    expect(await page.locator("#tr-step").textContent()).toBe(String(STEPS));
    expect(Number(await page.locator("#tr-rate").textContent())).toBeGreaterThan(0);
    // Figures: the loss curves, one histogram per code dimension against the prior density, the scatter.
    await page.waitForFunction((n) => document.querySelector("#tr-hist")?.getAttribute("data-step") === String(n), STEPS);
    expect(await page.locator("#tr-loss svg").count()).toBe(1);
    expect(await page.locator("#tr-hist").textContent()).toContain("prior density");
    expect(await page.locator("#tr-scatter svg").count()).toBe(1);
    expect(await page.locator("#tr-recon canvas").count()).toBe(1);
    expect(Number(await page.locator("#tr-ks").textContent())).toBeGreaterThan(0);
    expect(Number(await page.locator("main").getAttribute("data-frames"))).toBeGreaterThan(2);
    const download = page.waitForEvent("download");
    await page.click("#tr-export");
    const file = await (await download).path();
    return { page, errors, zip: new Uint8Array(readFileSync(file)) };
  }

  it("auto skips a software WebGPU adapter (and software WebGL), says why, and trains", { timeout: 300_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.setDefaultTimeout(240_000);
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${url}#/train`);
    await page.waitForSelector("#tr-train");
    expect(await page.locator("#tr-backend-choice").inputValue()).toBe("auto");
    // What this Chromium offers: a software (SwiftShader) adapter where there is no GPU.
    const adapter = await page.evaluate(async () => {
      type Info = { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Info } | null> } }).gpu;
      const a = gpu ? await gpu.requestAdapter() : null;
      return a ? { software: Boolean(a.info?.isFallbackAdapter) || /swiftshader|llvmpipe/i.test(`${a.info?.architecture}`) } : null;
    });
    for (const [sel, v] of [
      ["#tr-limit", "32"],
      ["#tr-widths", "4, 4"],
      ["#tr-batch", "16"],
      ["#tr-steps", "6"],
      ["#tr-lr", "0.003"],
      ["#tr-every", "2"],
    ])
      await page.fill(sel, v);
    await page.click("#tr-train");
    await page.waitForFunction(() => ["done", "failed"].includes(document.querySelector("#tr-state")?.textContent ?? ""));
    expect(await page.locator("#tr-error").textContent()).toBe("");
    expect(await page.locator("#tr-state").textContent()).toBe("done");
    expect(await page.locator("#tr-step").textContent()).toBe("6");
    const used = await page.locator("#tr-backend").textContent();
    if (adapter?.software) {
      expect(used).not.toBe("webgpu");
      const why = await page.locator("#tr-backend-why").textContent();
      expect(why).toMatch(/^WebGPU adapter is software \(.+\)/);
      expect(why).toMatch(new RegExp(`: using ${used}$`));
    } else
      console.warn(`train-browser.test.ts: this Chromium's WebGPU adapter is not software (${JSON.stringify(adapter)}); auto used ${used}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it(
    "trains on a .npy loaded from disk (Node's npy loader reads the export's data); bad files show errors",
    { timeout: 300_000 },
    async () => {
      const page = await browser.newPage({ acceptDownloads: true });
      const errors: string[] = [];
      page.setDefaultTimeout(240_000);
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${url}?backend=wasm#/train`);
      await page.waitForSelector("#tr-train");
      const npy = (name: string, arr: Parameters<typeof serializeNpy>[0]) => ({
        name,
        mimeType: "application/octet-stream",
        buffer: Buffer.from(serializeNpy(arr)),
      });
      const png = (name: string, w: number, h: number) => {
        const img = new PNG({ width: w, height: h });
        img.data.fill(200);
        return { name, mimeType: "image/png", buffer: PNG.sync.write(img) };
      };
      const errorText = async (fragment: string) => {
        await page.waitForFunction((f) => (document.querySelector("#tr-error")?.textContent ?? "").includes(f), fragment);
        expect(await page.locator("#tr-error").isVisible()).toBe(true);
        expect(await page.locator('#tr-dataset option[value="file"]').count()).toBe(0);
      };
      // Wrong dtype, values outside [0, 1], mixed image sizes: each refused with the reason.
      await page.setInputFiles("#tr-file", npy("labels.npy", { dtype: "int32", shape: [4, 8, 8], data: new Int32Array(256) }));
      await errorText("labels.npy has dtype int32 (save images as uint8 (0..255) or float in [0, 1])");
      await page.setInputFiles("#tr-file", npy("raw.npy", { dtype: "float32", shape: [2, 4, 4], data: new Float32Array(32).fill(255) }));
      await errorText("raw.npy: value 255 at position 0 is outside [0, 1]");
      await page.setInputFiles("#tr-file", [png("a.png", 8, 8), png("b.png", 10, 8)]);
      await errorText("b.png is 10×8, but a.png is 8×8: the images are of mixed sizes");
      // A folder of PNGs of one size.
      const folder = join(tmp, "shapes");
      mkdirSync(folder, { recursive: true });
      for (const f of [png("one.png", 8, 8), png("two.png", 8, 8), { name: "notes.txt", buffer: Buffer.from("not an image") }])
        writeFileSync(join(folder, f.name), f.buffer);
      await page.setInputFiles("#tr-folder", folder);
      await page.waitForFunction(() => document.querySelector("#tr-file-info")?.textContent === "shapes: 2 images of 8×8×3");
      expect(await page.locator("#tr-error").isVisible()).toBe(false);
      // 48 float32 images of a bright square at seeded places: load, train, export.
      const N = 48;
      const images = new Float32Array(N * 32 * 32);
      const rng = new Rng(3);
      for (let n = 0; n < N; n++) {
        const [y, x] = [Math.floor(rng.uniform() * 26), Math.floor(rng.uniform() * 26)];
        for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) images[n * 1024 + (y + i) * 32 + x + j] = 1;
      }
      const blobs = npy("blobs.npy", { dtype: "float32", shape: [N, 32, 32], data: images });
      await page.setInputFiles("#tr-file", blobs);
      await page.waitForFunction(() => document.querySelector("#tr-file-info")?.textContent === "blobs.npy: 48 images of 32×32×1");
      expect(await page.locator("#tr-dataset").inputValue()).toBe("file");
      for (const [sel, v] of [
        ["#tr-widths", "4, 4"],
        ["#tr-batch", "16"],
        ["#tr-steps", "6"],
        ["#tr-lr", "0.003"],
        ["#tr-every", "3"],
      ])
        await page.fill(sel, v);
      await page.click("#tr-train");
      await page.waitForFunction(() => ["done", "failed"].includes(document.querySelector("#tr-state")?.textContent ?? ""));
      expect(await page.locator("#tr-error").isVisible()).toBe(false);
      expect(await page.locator("#tr-step").textContent()).toBe("6");
      await page.waitForFunction(() => document.querySelector("#tr-hist")?.getAttribute("data-step") === "6");
      const download = page.waitForEvent("download");
      await page.click("#tr-export");
      const files = unzipSync(new Uint8Array(readFileSync(await (await download).path())));
      const dir = join(tmp, "export-npy");
      for (const [name, bytes] of Object.entries(files)) {
        const rel = name.split("/").slice(1).join("/");
        if (!rel) continue;
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), bytes);
      }
      const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { dataset: string; datasetOptions: { root: string } };
      expect([config.dataset, config.datasetOptions.root]).toEqual(["npy", "blobs.npy"]);
      // The same file through Node's --dataset npy loader: the export's codes are its evaluation split's.
      writeFileSync(join(tmp, "blobs.npy"), blobs.buffer);
      const data = await loadDataset("npy", { root: join(tmp, "blobs.npy"), split: "test" });
      const run = await loadRun(dir, "wasm");
      const idx = evaluationSubset(data.size, run.config.evalLimit);
      const again = await run.encode(data.images(idx), idx.length);
      run.dispose();
      const latents = readMatrix(join(dir, "latents.npy"));
      expect([latents.rows, latents.cols]).toEqual([N, 2]);
      let worst = 0;
      for (let i = 0; i < again.data.length; i++) worst = Math.max(worst, Math.abs(again.data[i] - latents.data[i]));
      expect(worst).toBeLessThan(1e-4);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  for (const backend of ["wasm", "webgl"] as const) {
    it(`trains AE-MMD on XY on ${backend}, the loss falls, and sculpt eval reads the export`, { timeout: 400_000 }, async () => {
      const { steps: STEPS, limit: LIMIT } = PLAN[backend];
      const { page, errors, zip } = await trainAndExport(backend);
      const files = unzipSync(zip);
      const dir = join(tmp, `export-${backend}`);
      for (const [name, bytes] of Object.entries(files)) {
        const rel = name.split("/").slice(1).join("/");
        if (!rel) continue;
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), bytes);
      }
      const history = readFileSync(join(dir, "history.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, number>);
      expect(history.length).toBe(STEPS / (LIMIT / 16));
      expect(history.at(-1)!["loss/total"]).toBeLessThan(history[0]["loss/total"]);
      expect(JSON.parse(readFileSync(join(dir, "environment.json"), "utf8")).backend).toBe(backend);
      const metrics = await evaluateRun(dir, { backend: "wasm", only: ["fidelity", "mig"] });
      expect(Number.isFinite(metrics.values["fidelity.ks.max"] as number)).toBe(true);
      expect(Number.isFinite(metrics.values["mig.score"] as number)).toBe(true);
      const run = await loadRun(dir, "wasm");
      const data = await xy.create({ split: "test", limit: LIMIT });
      const idx = evaluationSubset(data.size, run.config.evalLimit);
      const again = await run.encode(data.images(idx), idx.length);
      run.dispose();
      const latents = readMatrix(join(dir, "latents.npy"));
      expect([latents.rows, latents.cols]).toEqual([LIMIT, 2]);
      let worst = 0;
      for (let i = 0; i < again.data.length; i++) worst = Math.max(worst, Math.abs(again.data[i] - latents.data[i]));
      expect(worst).toBeLessThan(1e-4);
      // The same loop as Node: Node's wasm backend, given the exported config with λ 1 again, logs
      // the same losses for the epochs before the change.
      if (backend === "wasm") {
        const changed = JSON.parse(readFileSync(join(dir, "changes.json"), "utf8")) as { step: number }[];
        const node = new TrainSession();
        await node.run({ ...run.config, model: { ...run.config.model, lambda: 1 } });
        node.dispose();
        const before = history.filter((r) => r.step <= changed[0].step);
        expect(before.length).toBeGreaterThan(0);
        for (const [i, rec] of before.entries()) expect(node.history[i]["loss/total"]).toBeCloseTo(rec["loss/total"], 4);
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
