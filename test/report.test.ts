/**
 * Reports end to end: a run report and a sweep report built from small valid run folders, checked
 * for structure (sections, figures, embedded PNGs), self-containment, escaping, atomic writes and
 * clear errors; and `sculpt report` through the CLI.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { SculptError } from "../src/core/registry.js";
import { writeReport } from "../src/node/index.js";
import { listRunFolders } from "../src/node/report/sweep-report.js";
import { Ledger, LEDGER_FILE } from "../src/node/sweep/ledger.js";
import { trainRun } from "../src/node/train.js";
import { ROOT } from "./helpers.js";
import { blobDecode, FAKE_SIZE, writeFakeRun } from "./report-fixture.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-report-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every way an HTML page could reach outside itself. */
function externalRefs(html: string): string[] {
  const hits = html.match(/(?:src|href)\s*=\s*"(?!data:|#)[^"]*"|url\((?!#|data:)[^)]*\)|@import|<script|<link|<iframe/gi) ?? [];
  return hits;
}

function pngsIn(html: string): PNG[] {
  return [...html.matchAll(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g)].map((m) => PNG.sync.read(Buffer.from(m[1], "base64")));
}

describe("run report", () => {
  it("holds every section, inline SVG figures and PNG image grids, and nothing external", async () => {
    const dir = join(tmp, "run-a");
    writeFakeRun(dir, { withDecoder: true, name: "</title><script>alert(1)</script>" });
    const warnings: string[] = [];
    const out = join(tmp, "a.html");
    const written = await writeReport({
      run: dir,
      out,
      openRun: () => ({ decode: blobDecode }),
      traversalDims: 3,
      onWarning: (w) => warnings.push(w),
    });
    expect(written.sections).toEqual(["overview", "data", "training", "metrics", "latents", "reconstructions", "traversals"]);
    expect(warnings).toEqual([]);
    const html = readFileSync(out, "utf8");
    expect(written.bytes).toBe(Buffer.byteLength(html));
    expect(externalRefs(html)).toEqual([]);
    // The run's name is user text: escaped, never markup.
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    // Curves, covariance, marginals (vega) + data preview, reconstructions and 3 traversals (image grids).
    expect(html.match(/<svg /g)).toHaveLength(3 + 1 + 1 + 3);
    for (const label of ["loss/total", "loss/mmd", "Covariance of the codes", "prior density", "completeness", "nmse"])
      expect(html).toContain(label);
    expect(html).toContain("Not computed: mig (needs ground-truth factors)");
    const pngs = pngsIn(html);
    expect(pngs).toHaveLength(5);
    // The data preview is 8×8 tiles; reconstructions 4 rows of 16-px tiles; traversals one row per latent dimension (4).
    expect(pngs[0].width).toBe(pngs[0].height);
    expect(pngs[1].height).toBeGreaterThan(4 * FAKE_SIZE);
    // Traversals: one row per traversed dimension, capped at the 3 with the largest variance (z1, z3, z4 here).
    expect(pngs[2].height).toBe(3 * (FAKE_SIZE + 1) + 1);
    const traversals = html.slice(html.indexOf('<section id="traversals">'));
    expect(traversals).toContain("Only the 3 dimensions with the largest code variance");
    expect([..."1234"].map((j) => traversals.includes(`>z${j} `))).toEqual([true, false, true, true]);
    // Inline SVGs share one id namespace: ids must be unique across the page.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // Written atomically: no temp file left beside the report.
    expect(readdirSync(tmp).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("writes each figure as a standalone SVG file into a new folder, and will not write into a used one", async () => {
    const dir = join(tmp, "run-svg");
    writeFakeRun(dir, { withDecoder: true });
    const svgDir = join(tmp, "figures");
    const written = await writeReport({ run: dir, svgDir, openRun: () => ({ decode: blobDecode }), traversalInputs: 2 });
    const files = readdirSync(svgDir).sort();
    // Curves, covariance and marginals (vega), the data preview, reconstructions and a traversal per input (2).
    expect(files).toEqual([
      "data-1.svg",
      "latents-1.svg",
      "latents-2.svg",
      "reconstructions-1.svg",
      "training-1.svg",
      "traversals-1.svg",
      "traversals-2.svg",
    ]);
    expect(written.svgs).toHaveLength(files.length);
    for (const f of files) {
      const svg = readFileSync(join(svgDir, f), "utf8");
      expect(svg.startsWith("<svg"), f).toBe(true);
      expect(svg, f).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg.trimEnd().endsWith("</svg>"), f).toBe(true);
    }
    const html = readFileSync(written.out, "utf8");
    expect(html).toContain(readFileSync(join(svgDir, "latents-2.svg"), "utf8").trimEnd());
    // Used folder: refused before anything is written, the report included.
    rmSync(written.out);
    await expect(writeReport({ run: dir, svgDir })).rejects.toThrow(/not an empty folder/);
    expect(existsSync(written.out)).toBe(false);
  });

  it("works mid-training: missing metrics, latents and decoder leave notes, a torn history line is skipped", async () => {
    const dir = join(tmp, "run-b");
    writeFakeRun(dir, { withMetrics: false, dataset: "no-such-set" });
    rmSync(join(dir, "latents.npy"));
    writeFileSync(
      join(dir, "status.json"),
      JSON.stringify({ state: "running", epoch: 3, step: 30, collapse: { epoch: 2, minVariance: 1e-5 } }),
    );
    writeFileSync(join(dir, "history.jsonl"), readFileSync(join(dir, "history.jsonl"), "utf8") + '{"epoch": 7, "loss/to');
    const written = await writeReport({ run: dir });
    expect(written.out).toBe(join(dir, "report.html"));
    expect(written.sections).not.toContain("traversals");
    const html = readFileSync(written.out, "utf8");
    expect(html).toContain("No metrics.json");
    expect(html).toContain("No latents.npy yet");
    expect(html).toContain("<b>running</b> at epoch 3");
    expect(html).toContain('<p class="warn">The codes collapsed at epoch 2');
    expect(html).toContain("1 unreadable line(s)");
    expect(html).toContain("The data set could not be opened: unknown dataset &#39;no-such-set&#39;");
  });

  it("draws prior samples for a prior without a density, and says when it cannot load a decoder", async () => {
    const dir = join(tmp, "run-c");
    writeFakeRun(join(tmp, "source"), { dim: 2, prior: "gaussian" });
    writeFakeRun(dir, { dim: 2, prior: `empirical(${join(tmp, "source", "latents.npy")})`, withDecoder: true });
    const written = await writeReport({
      run: dir,
      openRun: () => {
        throw new SculptError("no trained weights yet");
      },
    });
    const html = readFileSync(written.out, "utf8");
    expect(html).toContain("prior samples");
    expect(html).toContain("The decoder could not be loaded: no trained weights yet");
  });

  it("gives clear errors for a missing folder or config, and writes nothing", async () => {
    const out = join(tmp, "never.html");
    await expect(writeReport({ run: join(tmp, "nope"), out })).rejects.toThrow(/run folder not found/);
    mkdirSync(join(tmp, "empty"));
    await expect(writeReport({ run: join(tmp, "empty"), out })).rejects.toThrow(/no config.json/);
    writeFileSync(join(tmp, "empty", "config.json"), "{ not json");
    await expect(writeReport({ run: join(tmp, "empty"), out })).rejects.toThrow(/config.json is not valid JSON/);
    await expect(writeReport({ out })).rejects.toThrow(/exactly one of/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("run report of a real run", () => {
  it("traverses a trained decoder loaded from the run folder", async () => {
    const dir = join(tmp, "real");
    // The smallest real run: 1 epoch on 64 XY images, 64 evaluation codes.
    await trainRun(
      {
        dataset: "xy",
        model: "ae-mmd",
        prior: "hybrid[uniform(-2,2), gaussian]",
        latentDim: 2,
        epochs: 1,
        batchSize: 32,
        datasetOptions: { limit: 64 },
        evalLimit: 64,
      },
      { outDir: dir, backend: "wasm" },
    );
    const written = await writeReport({ run: dir, traversalInputs: 2, traversalSteps: 5 });
    expect(written.sections).toEqual(["overview", "data", "training", "metrics", "latents", "reconstructions", "traversals"]);
    const html = readFileSync(written.out, "utf8");
    expect(html).toContain("[U(-2, 2), N(0, 1²)]");
    // data preview, reconstructions, then 2 traversals of 2 rows × 5 steps of 84-px images.
    const pngs = pngsIn(html);
    expect(pngs).toHaveLength(4);
    expect([pngs[2].width, pngs[2].height]).toEqual([5 * 85 + 1, 2 * 85 + 1]);
    expect(externalRefs(html)).toEqual([]);
  });
});

describe("sweep report", () => {
  it("draws the sweep figures and a mean ± std table per model from a folder of runs", async () => {
    const sweep = join(tmp, "sweep");
    for (const model of ["ae", "ae-mmd"]) {
      for (const dim of [2, 3])
        for (const seed of [0, 1])
          writeFakeRun(join(sweep, `${model}-${dim}-${seed}`), {
            model,
            dim,
            seed,
            prior: "gaussian",
            n: 60,
            noise: model === "ae" ? 0.6 : 0.2,
          });
    }
    const warnings: string[] = [];
    const written = await writeReport({ sweep, title: "Sweep <1>", onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(written.out).toBe(join(sweep, "report.html"));
    const html = readFileSync(written.out, "utf8");
    expect(externalRefs(html)).toEqual([]);
    expect(html).toContain("<title>Sweep &lt;1&gt;</title>");
    expect(html.match(/<svg /g)).toHaveLength(3); // LPS, NMSE, DCI-vs-LPS
    for (const t of ["LPS against latent size", "NMSE against latent size", "DCI disentanglement against LPS"]) expect(html).toContain(t);
    // The paper's metrics are found among sculpt eval's keys (nmse.linear, not nmse.db).
    expect(html).toContain("metric key: lps.gbdt");
    expect(html).toContain("metric key: nmse.linear");
    // One table per model; each (latent size) row has mean ± std over its 2 seeds.
    expect(html).toContain("<h3>ae</h3>");
    expect(html).toContain("<h3>ae-mmd</h3>");
    expect(html.match(/ ± /g)!.length).toBeGreaterThanOrEqual(2 * 2 * 3);
    await expect(writeReport({ sweep: join(tmp, "empty-sweep-does-not-exist") })).rejects.toThrow(/sweep folder not found/);
  });

  it("labels a model trained under several priors by its prior", async () => {
    const dirs = [join(tmp, "p1"), join(tmp, "p2")];
    writeFakeRun(dirs[0], { prior: "gaussian", dim: 2, n: 50 });
    writeFakeRun(dirs[1], { prior: "uniform", dim: 2, n: 50 });
    const written = await writeReport({ sweep: dirs, out: join(tmp, "p.html") });
    const html = readFileSync(written.out, "utf8");
    expect(html).toContain("ae-mmd · gaussian");
    expect(html).toContain("ae-mmd · uniform");
  });
});

describe("sweep report from a sweep folder", () => {
  it("reads finished runs from the ledger, with its model labels, and says how many are left out", async () => {
    const sweep = join(tmp, "ledger-sweep");
    const runs = ["r1", "r2", "r3"].map((id, i) => ({
      id,
      coords: { experiment: "t", dataset: "xy", model: i < 2 ? "beta-vae(beta=4)" : "ae", latentDim: 2, seed: i },
      config: {},
      deps: [],
    }));
    const ledger = Ledger.open(sweep);
    try {
      ledger.sync({ name: "t", budget: "smoke" }, runs);
      for (const r of runs.slice(0, 2)) {
        writeFakeRun(join(sweep, "runs", r.id), { dim: 2, prior: "gaussian", n: 50, seed: r.coords.seed, model: "beta-vae" });
        ledger.complete({ id: r.id, dir: join(sweep, "runs", r.id), metrics: {}, trainSeconds: 1, evalSeconds: 1, worker: "test" });
      }
    } finally {
      ledger.close();
    }
    const written = await writeReport({ sweep });
    const html = readFileSync(written.out, "utf8");
    expect(html).toContain("<h3>beta-vae(beta=4)</h3>");
    expect(html).not.toContain("<h3>ae</h3>");
    expect(html).toContain("1 of the 3 runs in the ledger have not finished");
    // Without a ledger, run folders nested under runs/ are found all the same.
    expect(listRunFolders(join(tmp, "ledger-sweep", "runs")).length).toBe(2);
    rmSync(join(sweep, LEDGER_FILE));
    expect((await writeReport({ sweep, out: join(tmp, "nested.html") })).sections).toContain("tables");
  });
});

describe("sculpt report (CLI)", () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run(process.execPath, ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv))", "sculpt", ...args], {
      cwd: ROOT,
    });

  it("writes the report where asked", async () => {
    const dir = join(tmp, "cli-run");
    writeFakeRun(dir, { n: 80 });
    const out = join(tmp, "cli-out", "r.html");
    await main(["node", "sculpt", "report", "--run", dir, "--out", out]);
    expect(process.exitCode ?? 0).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("<h2>Latent space</h2>");
  });

  it("explains a missing run folder on stderr and exits with status 2", async () => {
    const failed = await cli("report", "--run", join(tmp, "missing")).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("run folder not found");
    expect(failed.stderr).toContain("fix:");
  });
});
