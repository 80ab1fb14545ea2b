/**
 * A few hand-written WebAssembly SIMD functions, run on the wasm backend's own memory: the
 * smallest binary encoder that writes them (one function per module, i32 parameters, structured
 * loops), and instantiation against the backend's exported WebAssembly.Memory, so they read and
 * write tensors in place (no copies). XNNPACK repacks a weight operand on every call at a few ns
 * per element; a kernel that needs neither packing nor transposes can be written here instead.
 *
 * Only what the kernels use is encoded (binary format: webassembly.github.io/spec, "Binary Format").
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

export const I32 = 0x7f;
export const V128 = 0x7b;

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = { load: 0x00, load32Splat: 0x09, store: 0x0b, f32x4Add: 0xe4, f32x4Mul: 0xe6 } as const;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** One function's body, written instruction by instruction; parameters are i32 locals 0..params−1. */
export class FunctionWriter {
  private readonly code: number[] = [];
  private readonly locals: number[] = [];
  constructor(readonly params: number) {}

  /** A new local of type `type` (I32 or V128); returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params + this.locals.length - 1;
  }
  get(i: number): this {
    return this.emit(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.emit(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.emit(0x22, ...uleb(i));
  }
  i32(v: number): this {
    return this.emit(0x41, ...sleb(v));
  }
  add(): this {
    return this.emit(0x6a);
  }
  sub(): this {
    return this.emit(0x6b);
  }
  /** i32.load at the address on the stack plus `offset` bytes. */
  load(offset = 0): this {
    return this.emit(0x28, 2, ...uleb(offset));
  }
  /** A SIMD instruction; loads and stores take a byte offset (alignment hint: 4 bytes). */
  simd(op: number, offset?: number): this {
    this.emit(0xfd, ...uleb(op));
    return offset === undefined ? this : this.emit(2, ...uleb(offset));
  }
  /** do { body } while (--counter != 0): the counter must be ≥ 1 on entry. */
  loop(counter: number, body: () => void): this {
    this.emit(0x03, 0x40);
    body();
    return this.get(counter).i32(1).sub().tee(counter).emit(0x0d, 0, 0x0b);
  }
  /** if (counter reaches 0 after a decrement) { body } — the counter is decremented either way. */
  whenCountdownEnds(counter: number, body: () => void): this {
    this.get(counter).i32(1).sub().tee(counter).emit(0x45, 0x04, 0x40); // i32.eqz; if
    body();
    return this.emit(0x0b);
  }
  encode(): number[] {
    const body = [...vec(this.locals.map((t) => [1, t])), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
  private emit(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
}

/**
 * A module importing `env.memory` (shared or not, to match the memory it will run on) and
 * exporting `fn` as `run`, taking fn.params i32 arguments and returning nothing.
 */
export function encodeModule(fn: FunctionWriter, sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vec(Array.from({ length: fn.params }, () => [I32])), 0];
  // A shared memory import must state a maximum; 65536 pages (4 GiB) admits any actual maximum.
  const limits = sharedMemory ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec([type])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("run"), 0x00, 0]])),
    ...section(10, vec([fn.encode()])),
  ]);
}

/** The backend's WebAssembly.Memory (Emscripten exports it as `asm.memory`), or undefined. */
export function backendMemory(backend: BackendWasm): WebAssembly.Memory | undefined {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; HEAPU8: Uint8Array };
  const memory = module.asm?.memory;
  return memory instanceof WebAssembly.Memory && memory.buffer === module.HEAPU8.buffer ? memory : undefined;
}

type Run = (...args: number[]) => void;

/**
 * `run` of the module `build` writes, instantiated on `memory`: compiled once per (builder,
 * shared-ness), instantiated once per memory. Undefined where this engine has no wasm SIMD.
 */
export function instantiate(build: (shared: boolean) => Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): Run | undefined {
  let perMemory = instances.get(build);
  if (!perMemory) instances.set(build, (perMemory = new WeakMap()));
  if (perMemory.has(memory)) return perMemory.get(memory);
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  const key = `${shared}`;
  let compiled = modules.get(build)?.get(key);
  if (compiled === undefined) {
    const bytes = build(shared);
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    if (!modules.has(build)) modules.set(build, new Map());
    modules.get(build)!.set(key, compiled);
  }
  const run = compiled ? (new WebAssembly.Instance(compiled, { env: { memory } }).exports.run as Run) : undefined;
  perMemory.set(memory, run);
  return run;
}
const modules = new Map<(shared: boolean) => Uint8Array<ArrayBuffer>, Map<string, WebAssembly.Module | null>>();
const instances = new Map<(shared: boolean) => Uint8Array<ArrayBuffer>, WeakMap<WebAssembly.Memory, Run | undefined>>();
