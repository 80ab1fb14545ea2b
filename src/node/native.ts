/**
 * Loads sculpt's optional native addon (native/, oneDNN) built at install time by
 * scripts/build-native.mjs. Never throws: when the addon is missing, disabled with
 * SCULPT_NATIVE_DISABLE=1, or fails to load (e.g. libdnnl gone), it says why, so `auto` can fall
 * back to wasm and record the reason.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NativeAddon } from "../engine/native/addon.js";

const require = createRequire(import.meta.url);

/** Where node-gyp leaves the addon (this file sits in src/node or dist/node). */
export const NATIVE_ADDON_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "native",
  "build",
  "Release",
  "sculpt_native.node",
);

export type NativeLoad = { addon: NativeAddon; reason?: undefined } | { addon: null; reason: string };

let loaded: NativeLoad | null = null;

export function loadNativeAddon(): NativeLoad {
  if (process.env.SCULPT_NATIVE_DISABLE === "1") return { addon: null, reason: "disabled by SCULPT_NATIVE_DISABLE=1" };
  if (loaded) return loaded;
  if (!existsSync(NATIVE_ADDON_PATH)) {
    loaded = { addon: null, reason: "addon not built (install libdnnl-dev, then run `npm run build:native`)" };
    return loaded;
  }
  // OpenMP threads that spin while waiting collapse when the cores are shared (measured 10x
  // slower convolutions on a loaded 2-core machine); sleeping waiters cost ~nothing at these sizes.
  // libgomp reads this once, when the addon pulls it in, so it must be set before the require.
  process.env.OMP_WAIT_POLICY ??= "passive";
  try {
    loaded = { addon: require(NATIVE_ADDON_PATH) as NativeAddon };
  } catch (err) {
    const first = String((err as Error).message).split("\n")[0];
    loaded = { addon: null, reason: `addon failed to load: ${first}` };
  }
  return loaded;
}
