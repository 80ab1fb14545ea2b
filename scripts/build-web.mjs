#!/usr/bin/env node
/**
 * Bundles the browser dashboard (src/web, which imports only the browser-safe core and figures)
 * with esbuild into dist/web/static/: index.html, app.js and app.css, what `sculpt serve` sends.
 * Runs as part of `npm run build`; `--out DIR` writes elsewhere (the browser test bundles into a
 * temporary folder). Importable: `buildWebApp({ outDir })`.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "src", "web");

export async function buildWebApp({ outDir = join(root, "dist", "web", "static"), minify = true } = {}) {
  const esbuild = await import("esbuild");
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(web, "main.ts")],
    outfile: join(outDir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  copyFileSync(join(web, "index.html"), join(outDir, "index.html"));
  copyFileSync(join(web, "app.css"), join(outDir, "app.css"));
  const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
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
