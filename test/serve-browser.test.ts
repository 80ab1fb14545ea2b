/**
 * The dashboard end to end in headless Chromium (chromium on PATH, e.g. Debian's, through
 * playwright-core): the bundle built by scripts/build-web.mjs, served by `startServer` over a root
 * with two run folders; click through to a run, compare the two, and type priors into the
 * playground, checking the numbers shown against the same computation in Node. A screenshot of
 * the playground goes to a temporary folder (SCULPT_SCREENSHOT_DIR to keep it). Skipped with the
 * reason where Chromium is missing (test/requires.ts); with SCULPT_TEST_REQUIRE_ALL=1 that fails.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrior } from "../src/core/priors/index.js";
import { Rng } from "../src/core/random.js";
import { readMatrix } from "../src/node/npy-file.js";
import { initBackend } from "../src/node/backend.js";
import { startServer, type RunningServer } from "../src/node/serve/server.js";
import { mmdToCodes } from "../src/web/playground-model.js";
import { ROOT } from "./helpers.js";
import { chromium as chromiumBinary } from "./requires.js";
import { writeFakeRun } from "./report-fixture.js";

const CHROMIUM = chromiumBinary();

describe.skipIf(!CHROMIUM.ok)(CHROMIUM.title("dashboard in headless Chromium"), () => {
  let tmp: string;
  let root: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const PRIOR_A = "hybrid[uniform(-3,3), gaussian(0,1), gmm(-2|2, 0.5)]";

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "sculpt-serve-browser-"));
    root = join(tmp, "root");
    writeFakeRun(join(root, "sweep", "run-a"), { dim: 3, prior: PRIOR_A, seed: 0, noise: 0.2, n: 300 });
    writeFakeRun(join(root, "sweep", "run-b"), { dim: 3, prior: "gaussian", seed: 1, noise: 0.6, n: 300 });
    const staticDir = join(tmp, "static");
    await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "build-web.mjs"), "--out", staticDir]);
    server = await startServer({ root, port: 0, staticDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM.path,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(60_000);
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    await initBackend("cpu");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("lists the runs and the sweep, and opens a run with its figures", async () => {
    await page.goto(server.url);
    await page.waitForSelector(".runs-table");
    expect(await page.locator(".runs-table a.run-link").allTextContents()).toEqual(["sweep/run-a", "sweep/run-b"]);
    expect(await page.locator("ul.sweeps a").allTextContents()).toEqual(["sweep"]);
    await page.click("text=sweep/run-a");
    await page.waitForFunction(() => document.querySelectorAll("#latents svg").length >= 2);
    await page.waitForSelector("#curves svg");
    expect(await page.locator("h2").first().textContent()).toContain("run-a");
    const metrics = JSON.parse(readFileSync(join(root, "sweep", "run-a", "metrics.json"), "utf8")).values as Record<string, unknown>;
    const shown = await page.locator(".metrics-table tbody tr td:first-child").allTextContents();
    expect(shown).toEqual(expect.arrayContaining(Object.keys(metrics).filter((k) => typeof metrics[k] === "number")));
    expect(await page.locator("#latents").textContent()).toContain("300 codes of 3 dimensions");
    expect(await page.locator("#latents").textContent()).toContain("prior density");
    const canvas = page.locator("#reconstructions canvas");
    expect(await canvas.count()).toBe(1);
    expect(await canvas.evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(0);
  });

  it("compares the two runs with differences to the first", async () => {
    await page.goto(server.url);
    await page.waitForSelector(".runs-table");
    await expect(page.locator("#compare-button").isDisabled()).resolves.toBe(true);
    await page.check('input[data-run="sweep/run-a"]');
    await page.check('input[data-run="sweep/run-b"]');
    await page.click("#compare-button");
    await page.waitForSelector(".compare-table");
    await page.waitForSelector(".figure svg");
    const row = (key: string) => page.locator(`.compare-table tr[data-key="${key}"] td`).allTextContents();
    expect(await row("seed")).toEqual(["seed", "0", "1", "+1"]);
    expect((await row("prior"))[1]).toBe(PRIOR_A);
    const read = (run: string) =>
      JSON.parse(readFileSync(join(root, "sweep", run, "metrics.json"), "utf8")).values as Record<string, number>;
    const [a, b] = [read("run-a"), read("run-b")];
    const cells = await row("dci.disentanglement");
    expect(Number(cells[1])).toBeCloseTo(a["dci.disentanglement"], 3);
    expect(Number(cells[3])).toBeCloseTo(b["dci.disentanglement"] - a["dci.disentanglement"], 3);
    // Fields the runs agree on are hidden until asked for.
    expect(await page.locator('.compare-table tr[data-key="dataset"]').count()).toBe(0);
    await page.check("#show-same");
    expect(await row("dataset")).toEqual(["dataset", "xy", "xy", ""]);
  });

  it("updates the prior playground as a spec is typed, with the MMD to a run's codes", async () => {
    await page.click("nav a[data-view=playground]");
    await page.waitForSelector("#sample-count");
    // Typed one key at a time: half-typed specs are errors on the way, the last one is drawn.
    await page.fill("#pg-dim", "2");
    await page.fill("#spec", "");
    await page.locator("#spec").pressSequentially("gmm(-3|3, 0.5)", { delay: 20 });
    const describe2 = createPrior("gmm(-3|3, 0.5)", { dim: 2 }).description;
    await page.waitForFunction((d) => document.querySelector("#prior-description")?.textContent === d, describe2);
    await page.waitForFunction(() => !document.querySelector(".pg-figures")?.classList.contains("stale"));
    expect(await page.locator("#sample-count").textContent()).toBe("2000");
    expect(await page.locator("#spec-error").isHidden()).toBe(true);
    expect(await page.locator("#pg-marginals svg").count()).toBe(1);
    expect(await page.locator("#pg-scatter svg").count()).toBe(1);
    await page.fill("#pg-n", "500");
    await page.waitForFunction(() => document.querySelector("#sample-count")?.textContent === "500");

    // With run-a chosen: its latent size, and the MMD² the same code computes in Node.
    await page.selectOption("#pg-run", "sweep/run-a");
    await page.fill("#spec", PRIOR_A);
    const describeA = createPrior(PRIOR_A, { dim: 3 }).description;
    await page.waitForFunction((d) => document.querySelector("#prior-description")?.textContent === d, describeA);
    expect(await page.locator("#pg-dim").inputValue()).toBe("3");
    const codes = readMatrix(join(root, "sweep", "run-a", "latents.npy"));
    const expected = (spec: string) => mmdToCodes(codes, createPrior(spec, { dim: 3 }).sample(500, new Rng(0))).mmd2;
    const good = Number(await page.locator("#mmd-value").textContent());
    expect(Number.isFinite(good)).toBe(true);
    expect(Math.abs(good - expected(PRIOR_A))).toBeLessThan(1e-3 * Math.abs(expected(PRIOR_A)) + 1e-9);

    // A prior far from the codes reads a much larger MMD².
    await page.fill("#spec", "uniform(8, 9)");
    await page.waitForFunction((g) => Number(document.querySelector("#mmd-value")?.textContent) > 10 * g, good);
    const far = Number(await page.locator("#mmd-value").textContent());
    expect(far / expected("uniform(8, 9)")).toBeCloseTo(1, 2);

    // A bad spec shows the parser's message with its caret; the page keeps working.
    await page.fill("#spec", "gmm(-2|2 0.5)");
    await page.waitForSelector("#spec-error:not([hidden])");
    const message = await page.locator("#spec-error").textContent();
    expect(message).toContain("expected");
    expect(message).toContain("^");
    expect(await page.locator("#mmd-value").textContent()).toBe("—");
    await page.fill("#spec", "gaussian");
    await page.waitForSelector("#spec-error", { state: "hidden" });
    await page.waitForFunction(() => /\d/.test(document.querySelector("#mmd-value")?.textContent ?? ""));

    const dir = process.env.SCULPT_SCREENSHOT_DIR ?? join(tmp, "screenshots");
    mkdirSync(dir, { recursive: true });
    await page.fill("#spec", PRIOR_A);
    await page.waitForFunction((d) => document.querySelector("#prior-description")?.textContent === d, describeA);
    await page.waitForFunction(() => !document.querySelector(".pg-figures")?.classList.contains("stale"));
    await page.screenshot({ path: join(dir, "playground.png"), fullPage: true });
    expect(statSync(join(dir, "playground.png")).size).toBeGreaterThan(20_000);
    expect(pageErrors).toEqual([]);
  });
});
