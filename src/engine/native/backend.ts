/**
 * The `native` backend class: tfjs-backend-cpu's (tensors are plain typed arrays) plus recycling
 * of large output arrays. A fresh array costs page faults, which are slow on a VM (~19 ms for 8 MB,
 * measured) and at batch 512 a training step makes gigabytes of them: with 512 MB kept, an XY
 * step took 1.6 GB of fresh memory and 1.4-2.8 s of system time; with 3 GB kept, 6 MB and 80 ms,
 * and its peak RSS rose 3% (2.29 -> 2.37 GB: unpooled arrays linger as garbage until collected).
 * Arrays that sculpt's kernels allocate go back to the pool when their tensor is disposed, unless
 * something else may still see them: a read (dataSync/data hand out the array itself) or a second
 * tensor on the same memory (the cpu Slice kernel makes views) keeps an array out of the pool for
 * good. Past the pool's limit, the arrays pooled longest ago are dropped first, so the pool follows
 * the sizes in use.
 */
import type * as tf from "../../core/tf.js";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

/** Smaller arrays come from V8 directly: cheap, and not worth the bookkeeping. */
const POOL_MIN_ELEMENTS = 4096;

/** The pool's default limit: a quarter of the machine's memory, at most 3 GB (one XY step at batch 512). */
export function defaultPoolBytes(memoryBytes: number): number {
  return Math.min(3 * 2 ** 30, Math.max(256 * 2 ** 20, Math.floor(memoryBytes / 4)));
}

type Values = ReturnType<MathBackendCPU["readSync"]>;

export class NativeBackend extends MathBackendCPU {
  /** Allocations served from the pool (tests and benchmarks read it). */
  reused = 0;
  /** Pooled arrays by length, and all of them in the order they were pooled (a Set keeps it). */
  private readonly pool = new Map<number, Float32Array[]>();
  private readonly pooled = new Set<Float32Array>();
  private pooledBytes = 0;
  /** Buffers this backend handed out, with how many live tensors hold them. */
  private readonly owners = new WeakMap<ArrayBufferLike, number>();
  private readonly escaped = new WeakSet<ArrayBufferLike>();

  /** maxPoolBytes: memory kept for reuse (see defaultPoolBytes). */
  constructor(private readonly maxPoolBytes = 512 * 2 ** 20) {
    super();
    // The cpu backend greets Node users with advice to install tfjs-node; not wanted here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** An array of n floats with unspecified contents, for a kernel that writes every element. */
  alloc(n: number): Float32Array {
    if (n < POOL_MIN_ELEMENTS) return new Float32Array(n);
    const reused = this.pool.get(n)?.pop();
    if (reused) {
      this.pooled.delete(reused);
      this.pooledBytes -= reused.byteLength;
      this.reused++;
      return reused;
    }
    const fresh = new Float32Array(n);
    this.owners.set(fresh.buffer, 0);
    return fresh;
  }

  override write(values: Values, shape: number[], dtype: tf.DataType): tf.DataId {
    const buffer = ArrayBuffer.isView(values) ? values.buffer : null;
    const held = buffer ? this.owners.get(buffer) : undefined;
    if (buffer && held !== undefined) {
      this.owners.set(buffer, held + 1);
      if (held > 0) this.escaped.add(buffer);
    }
    return super.write(values, shape, dtype);
  }

  override readSync(dataId: tf.DataId): Values {
    const values = this.data.get(dataId)?.values;
    if (ArrayBuffer.isView(values)) this.escaped.add(values.buffer);
    return super.readSync(dataId);
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const freed = super.disposeData(dataId, force);
    if (!freed || !(values instanceof Float32Array)) return freed;
    const held = this.owners.get(values.buffer);
    if (held === undefined) return freed;
    this.owners.set(values.buffer, held - 1);
    if (held === 1 && !this.escaped.has(values.buffer) && values.byteLength <= this.maxPoolBytes) this.keep(values);
    return freed;
  }

  private keep(values: Float32Array): void {
    while (this.pooledBytes + values.byteLength > this.maxPoolBytes) this.dropOldest();
    const list = this.pool.get(values.length) ?? [];
    list.push(values);
    this.pool.set(values.length, list);
    this.pooled.add(values);
    this.pooledBytes += values.byteLength;
  }

  private dropOldest(): void {
    const old = this.pooled.values().next().value;
    if (!old) return;
    const list = this.pool.get(old.length)!;
    list.splice(list.indexOf(old), 1);
    this.pooled.delete(old);
    this.pooledBytes -= old.byteLength;
  }
}
