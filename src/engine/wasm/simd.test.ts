/**
 * The wasm encoder (simd.ts) on its own: a function using every instruction the kernels use runs
 * on a plain and on a shared WebAssembly.Memory, and the direct filter-gradient kernel links
 * against both (tfjs's threaded build runs on a shared memory).
 */
import { describe, expect, it } from "vitest";
import { encodeModule, FunctionWriter, I32, instantiate, SIMD, V128 } from "./simd.js";
import { buildKernel } from "./conv2d-backprop-filter-direct.js";

/**
 * run(a, b, out, count, every): for k < count, out[4k..4k+4) = a[4k..4k+4) · b[4k..4k+4) + a[4k]
 * (a[4k] broadcast), but zeros where k + 1 is a multiple of `every`.
 */
function build(shared: boolean) {
  const f = new FunctionWriter(5);
  const [a, b, out, count, every] = [0, 1, 2, 3, 4];
  const left = f.local(I32);
  const [v, zero] = [f.local(V128), f.local(V128)];
  f.get(every).set(left);
  f.loop(count, () => {
    f.get(out);
    f.get(a).simd(SIMD.load, 0).get(b).simd(SIMD.load, 0).simd(SIMD.f32x4Mul);
    f.get(a).simd(SIMD.load32Splat, 0).tee(v).simd(SIMD.f32x4Add).simd(SIMD.store, 0);
    f.whenCountdownEnds(left, () => {
      f.get(out).get(zero).simd(SIMD.store, 0); // locals start at zero
      f.get(out).load(0).get(every).add().set(left); // reads back 0 as an i32: the countdown restarts at `every`
    });
    for (const p of [a, b, out]) f.get(p).i32(16).add().set(p);
  });
  return encodeModule(f, shared);
}

describe("wasm SIMD encoder", () => {
  for (const shared of [false, true]) {
    it(`runs on a ${shared ? "shared" : "plain"} memory`, () => {
      const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 4, shared: true } : { initial: 1 });
      const run = instantiate(build, memory);
      expect(run).toBeDefined();
      const heap = new Float32Array(memory.buffer);
      const count = 5;
      const a = Float32Array.from({ length: 4 * count }, (_, i) => i * 0.5 - 3);
      const b = Float32Array.from({ length: 4 * count }, (_, i) => 2 - i * 0.25);
      heap.set(a, 0);
      heap.set(b, 64);
      run!(0, 256, 512, count, 2);
      for (let k = 0; k < count; k++) {
        for (let l = 0; l < 4; l++) {
          const i = 4 * k + l;
          const want = (k + 1) % 2 === 0 ? 0 : Math.fround(Math.fround(a[i] * b[i]) + a[4 * k]);
          expect(heap[128 + i], `out[${i}]`).toBe(want);
        }
      }
      expect(instantiate(buildKernel, memory), "the filter-gradient kernel links").toBeDefined();
    });
  }
});
