/**
 * HTML helpers: escaping, number formatting and the mean ± std rounding used in sweep tables; and
 * the prior a run report draws, which comes from the model registry (none for a plain AE).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { matrix, type Matrix } from "../../core/matrix.js";
import { Rng } from "../../core/random.js";
import { writeJsonAtomic } from "../atomic.js";
import { writeMatrix, writeNpy } from "../npy-file.js";
import { escapeHtml, formatNumber, meanStdText, page, table } from "./html.js";
import { prefixIds } from "./render.js";
import { runReportSections } from "./run-report.js";

describe("report HTML helpers", () => {
  it("escapes markup in text and table cells, but not in cells given as markup", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const t = table(["<h>"], [["<b>"], [{ html: "<i>ok</i>" }]]);
    expect(t).toContain("<th>&lt;h&gt;</th>");
    expect(t).toContain("<td>&lt;b&gt;</td>");
    expect(t).toContain("<td><i>ok</i></td>");
    expect(page("a<b", "s&t", [])).toContain("<title>a&lt;b</title>");
  });

  it("rounds the mean to the std's second significant digit", () => {
    expect(meanStdText(0.98541, 0.01545, 3)).toBe("0.985 ± 0.015");
    expect(meanStdText(123.456, 7.89, 2)).toBe("123.5 ± 7.9");
    expect(meanStdText(0.5, 0, 3)).toBe("0.5");
    expect(meanStdText(0.123456, 0.1, 1)).toBe("0.1235");
    expect([formatNumber(3), formatNumber(0.000012345), formatNumber(2.5e7), formatNumber(NaN)]).toEqual([
      "3",
      "1.234e-5",
      "25000000",
      "NaN",
    ]);
  });

  it("prefixes SVG ids and the references to them", () => {
    const svg = `<defs><linearGradient id="g0"/></defs><rect fill="url(#g0)"/><use href="#g0"/>`;
    expect(prefixIds(svg, "f")).toBe(`<defs><linearGradient id="f-g0"/></defs><rect fill="url(#f-g0)"/><use href="#f-g0"/>`);
  });
});

describe("the prior a run report draws", () => {
  const tmp = mkdtempSync(join(tmpdir(), "sculpt-html-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A finished run folder of `kind` whose z1 codes lie in [-40, 300] (as a plain AE's may) and z2 in N(0, 1). */
  function writeRun(kind: string): string {
    const dir = join(tmp, kind);
    mkdirSync(join(dir, "model", "decoder"), { recursive: true });
    writeJsonAtomic(join(dir, "config.json"), { dataset: "xy", model: { kind }, prior: "gaussian", latentDim: 2, epochs: 1, seed: 0 });
    const rng = new Rng(5);
    const n = 400;
    const codes = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? -40 + 340 * rng.uniform() : rng.normal()));
    writeMatrix(join(dir, "latents.npy"), matrix(n, 2, codes));
    writeNpy(join(dir, "recon.npy"), { dtype: "float32", shape: [2, 4, 4, 4, 1], data: new Float32Array(2 * 4 * 16) });
    return dir;
  }

  /** The report's latent and traversal sections, and the interval z1 was traversed over. */
  async function report(kind: string) {
    const decoded: Matrix[] = [];
    const decode = (z: Matrix) => (decoded.push(z), new Float32Array(z.rows * 16));
    const { sections } = await runReportSections(writeRun(kind), { dataPreview: false, openRun: () => ({ decode, shape: [4, 4, 1] }) });
    const body = (id: string) => sections.find((x) => x.id === id)!.body;
    // Rows 0…8 of each decoded batch traverse z1 (9 steps; then z2's rows keep the input's z1).
    const z1 = decoded.flatMap((z) => Array.from({ length: 9 }, (_, r) => z.data[r * 2]));
    return { latents: body("latents"), traversals: body("traversals"), z1: [Math.min(...z1), Math.max(...z1)] };
  }

  it("draws a plain AE's marginals without a prior and traverses its codes' own range", async () => {
    const r = await report("ae");
    expect(r.latents).toContain("no prior");
    expect(r.latents).not.toContain("prior density");
    expect(r.latents).not.toContain("N(0, 1");
    expect(r.traversals).toContain(escapeHtml("the codes' own 2nd–98th percentiles"));
    // The 2nd–98th percentiles of U(-40, 300), not N(0, 1)'s few units around 0.
    expect(r.z1[0]).toBeGreaterThan(-40);
    expect(r.z1[0]).toBeLessThan(-20);
    expect(r.z1[1]).toBeGreaterThan(280);
  });

  it("keeps N(0, I) for the VAE family, whose objective has that prior", async () => {
    const r = await report("vae");
    expect(r.latents).toContain("prior density");
    expect(r.latents).toContain("N(0, 1");
    expect(r.latents).not.toContain("no prior");
    expect(r.traversals).toContain(escapeHtml("the prior's range"));
    expect(r.z1[1]).toBeLessThan(10);
  });
});
