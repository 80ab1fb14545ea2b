#!/usr/bin/env node
/**
 * Builds sculpt's optional native kernels (native/, on oneDNN) when the oneDNN headers are
 * installed (Debian: libdnnl-dev), and otherwise says so in one line and succeeds: installing
 * sculpt never fails because of the native part, and nothing is downloaded. Node's headers come
 * from the Node installation itself (--nodedir), so node-gyp stays offline. Runs as the package's
 * install script (an install from the registry or a tarball) and as `npm run build:native`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = join(root, "native");
const say = (msg) => console.log(`sculpt native kernels: ${msg}`);

function findHeader() {
  const dirs = (process.env.CPATH ?? "").split(":").filter(Boolean).concat(["/usr/include", "/usr/local/include", "/opt/homebrew/include"]);
  return dirs.find((d) => existsSync(join(d, "oneapi", "dnnl", "dnnl.hpp")));
}

/** This package's node-gyp (a dev install), else npm's own, which npm names to install scripts. */
function findNodeGyp() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("node-gyp/package.json")), "bin", "node-gyp.js");
  } catch {
    const npmGyp = process.env.npm_config_node_gyp;
    return npmGyp && existsSync(npmGyp) ? npmGyp : null;
  }
}

function nodeDir() {
  // /usr/bin/node -> /usr, whose include/node holds the headers of this very Node.
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : null;
}

function main() {
  if (process.env.SCULPT_NATIVE_SKIP_BUILD === "1") return say("skipped (SCULPT_NATIVE_SKIP_BUILD=1)");
  if (!findHeader()) return say("skipped, oneDNN headers not found (apt-get install libdnnl-dev for faster CPU training)");
  const gyp = findNodeGyp();
  if (!gyp) return say("skipped, node-gyp not found (npm runs this with its own; or `npm install -g node-gyp`)");
  const dir = nodeDir();
  if (!dir) return say("skipped, this Node installation has no headers (include/node) for node-gyp to build against");
  const r = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${dir}`, "--loglevel=warn"], {
    cwd: nativeDir,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    process.stderr.write(`${tail}\n`);
    return say("build failed (see above); sculpt falls back to its wasm kernels");
  }
  say("built native/build/Release/sculpt_native.node");
}

main();
