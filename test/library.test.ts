/**
 * The README's Library example as a test, through the package's public entry points only: the
 * example files (examples/, also shown verbatim in the README) import "sculpt" and "sculpt/node",
 * which resolve by package self-reference to dist/ as they would in an installed dependency, so
 * dist/ is compiled first (tsc -p tsconfig.build.json). The Node example runs in a child process;
 * the core part is bundled with esbuild and runs in headless Chromium. The exported names of both
 * entry points are snapshotted: adding to or removing from the public API shows up in review.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { chromium as chromiumRequirement } from "./requires.js";
import { ROOT } from "./helpers.js";

const run = promisify(execFile);
const CHROMIUM = chromiumRequirement();
const example = (name: string) => readFileSync(join(ROOT, "examples", name), "utf8");

interface Outcome {
  losses: number[];
  values: Record<string, number>;
}

/** What the example must show: training lowered the loss, and the metrics came back finite. */
function checkOutcome(o: Outcome): void {
  expect(o.losses).toHaveLength(3);
  expect(o.losses[2]).toBeLessThan(o.losses[0]);
  for (const k of ["mig.score", "covariance.ratio", "fidelity.ks.max", "fidelity.mmd2"]) expect(Number.isFinite(o.values[k])).toBe(true);
}

beforeAll(async () => {
  // The public entry points are dist/core and dist/node (package.json "exports").
  await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT });
}, 600_000);

describe("the public API", () => {
  it("exports these names from sculpt and sculpt/node", async () => {
    const require = createRequire(join(ROOT, "package.json"));
    const core = (await import(require.resolve("sculpt"))) as Record<string, unknown>;
    const node = (await import(require.resolve("sculpt/node"))) as Record<string, unknown>;
    expect(Object.keys(core).sort()).toMatchSnapshot("sculpt");
    expect(Object.keys(node).sort()).toMatchSnapshot("sculpt/node");
    // sculpt/node re-exports the core.
    expect(Object.keys(core).filter((k) => !(k in node))).toEqual([]);
  });

  it("the README shows the example files verbatim", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const f of ["library-core.ts", "library-node.ts"]) expect(readme).toContain("```ts\n" + example(f) + "```");
  });

  it("runs the Node example: own data, prior and networks, then a run folder of own networks", { timeout: 600_000 }, async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(ROOT, "examples", "library-node.ts")], { cwd: ROOT });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ring prior: losses [\d.]+ → [\d.]+ → [\d.]+, MIG \d/);
    const out = JSON.parse(lines.at(-1)!) as Outcome & { network?: string; nmseDb: number; blankCode: number[] };
    checkOutcome(out);
    // trainRun kept the example's own networks, and evaluateRun/loadRun read them back from the folder.
    expect(out.network).toBe("custom");
    expect(Number.isFinite(out.nmseDb)).toBe(true);
    expect(out.blankCode).toHaveLength(2);
  });

  it.skipIf(!CHROMIUM.ok)(CHROMIUM.title("runs the core example in headless Chromium"), { timeout: 600_000 }, async () => {
    const esbuild = await import("esbuild");
    const bundle = await esbuild.build({
      stdin: {
        contents: `import { sculptDots } from "./examples/library-core.ts";
          globalThis.__sculpt = sculptDots().then((r) => JSON.stringify(r), (e) => "error: " + (e && e.stack ? e.stack : e));`,
        resolveDir: ROOT,
        loader: "ts",
      },
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM.path, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      await page.setContent("<!doctype html><title>sculpt example</title>");
      await page.addScriptTag({ content: bundle.outputFiles[0].text });
      const result = await page.evaluate(() => (globalThis as unknown as { __sculpt: Promise<string> }).__sculpt);
      expect(result.startsWith("error:") ? result : "").toBe("");
      checkOutcome(JSON.parse(result) as Outcome);
    } finally {
      await browser.close();
    }
  });
});
