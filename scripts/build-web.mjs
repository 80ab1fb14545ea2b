#!/usr/bin/env node
/**
 * Bundles the browser dashboard (src/web, which imports only the browser-safe core and figures)
 * with esbuild into dist/web/static/: index.html, app.js, app.css, the Train view's worker
 * (train-worker.js, TensorFlow.js with its WebGPU, WebGL, wasm and cpu backends) and tfjs's .wasm
 * files — what `sculpt serve` sends, and a static site as it is (the Train view and the playground
 * need no server; the runs views do).
 * Runs as part of `npm run build`; `--out DIR` writes elsewhere (the browser test bundles into a
 * temporary folder). Importable: `buildWebApp({ outDir })`.
 */
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "src", "web");

export async function buildWebApp({ outDir = join(root, "dist", "web", "static"), minify = true } = {}) {
  const esbuild = await import("esbuild");
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  };
  const results = await Promise.all([
    esbuild.build({ ...common, entryPoints: [join(web, "main.ts")], outfile: join(outDir, "app.js") }),
    esbuild.build({ ...common, entryPoints: [join(web, "train", "worker.ts")], outfile: join(outDir, "train-worker.js") }),
  ]);
  copyFileSync(join(web, "index.html"), join(outDir, "index.html"));
  copyFileSync(join(web, "app.css"), join(outDir, "app.css"));
  // The wasm backend fetches these beside the worker (setWasmPaths).
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"))) copyFileSync(join(wasmDir, f), join(outDir, f));
  const bytes = results.flatMap((r) => Object.values(r.metafile.outputs)).reduce((a, o) => a + o.bytes, 0);
  return { outDir, bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--out");
  const outDir = i > 0 ? resolve(process.argv[i + 1]) : undefined;
  buildWebApp({ outDir }).then(
    ({ outDir: dir, bytes }) => console.log(`sculpt dashboard: bundled ${Math.round(bytes / 1024)} KiB into ${dir}`),
    (err) => {
      console.error(`sculpt dashboard: bundling failed: ${err.message}`);
      process.exit(1);
    },
  );
}
