/** Shared test helpers: backends to run every spec on, and the tensor-leak check (STYLE §7). */
import * as tf from "../src/core/tf.js";
import { describe, expect } from "vitest";
import { initBackend } from "../src/node/backend.js";
import { findWebGpuAdapter } from "../src/node/webgpu.js";
import { requirement, webgpuMissing } from "./requires.js";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Reference results from independent implementations (provenance in test/fixtures/README.md). */
export const FIXTURES = join(ROOT, "test", "fixtures");

/** Backends every conformance spec runs on (the native one joins when built). */
export const TEST_BACKENDS = (process.env.SCULPT_TEST_BACKENDS ?? "cpu,wasm").split(",");

/**
 * What each listed backend needs beyond npm install. Only webgpu is optional (its packages, or any
 * adapter, may be missing); the others fail loudly when broken.
 */
const NEEDS = new Map(
  await Promise.all(
    TEST_BACKENDS.map(async (b) => [b, b === "webgpu" ? await findWebGpuAdapter({ allowSoftware: true, gles: true }) : null] as const),
  ),
);

/**
 * describe() once per TEST_BACKENDS entry; one that cannot run here is skipped with the reason in
 * its title (test/requires.ts), or fails the file under SCULPT_TEST_REQUIRE_ALL=1 (CI).
 */
export function describeBackends(title: string, body: (backend: string) => void): void {
  for (const backend of TEST_BACKENDS) {
    const found = NEEDS.get(backend);
    const need = requirement(found && "reason" in found ? webgpuMissing(found.reason) : null);
    describe.skipIf(!need.ok)(need.title(`${title} on ${backend}`), () => body(backend));
  }
}

export async function useBackend(name: string): Promise<void> {
  await initBackend(name);
  expect(tf.getBackend()).toBe(name === "auto" ? tf.getBackend() : name);
}

/** Run fn and assert it leaves no new tensors behind. */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  expect(tf.memory().numTensors, "tensors leaked").toBe(before);
  return out;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** |a-b| ≤ abs + rel·|b| */
export function close(a: number, b: number, rel: number, abs = 0): boolean {
  return Math.abs(a - b) <= abs + rel * Math.abs(b);
}
