/**
 * The `native` backend class: tfjs-backend-cpu's (tensors are plain typed arrays) plus recycling
 * of large output arrays. A fresh 8 MB Float32Array costs ~19 ms of page faults on a VM and ~0.2 ms
 * when reused (measured), and a training step makes hundreds of MB of them. Arrays that sculpt's
 * kernels allocate go back to a pool when their tensor is disposed, unless something else may
 * still see them: a read (dataSync/data hand out the array itself) or a second tensor on the same
 * memory (the cpu Slice kernel makes views) keeps an array out of the pool for good.
 */
import type * as tf from "../../core/tf.js";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

/** Smaller arrays come from V8 directly: cheap, and not worth the bookkeeping. */
const POOL_MIN_ELEMENTS = 4096;
/** Memory kept for reuse; beyond it, disposed arrays are left to the garbage collector. */
const POOL_MAX_BYTES = 512 * 2 ** 20;

type Values = ReturnType<MathBackendCPU["readSync"]>;

export class NativeBackend extends MathBackendCPU {
  /** Allocations served from the pool (tests and benchmarks read it). */
  reused = 0;
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledBytes = 0;
  /** Buffers this backend handed out, with how many live tensors hold them. */
  private readonly owners = new WeakMap<ArrayBufferLike, number>();
  private readonly escaped = new WeakSet<ArrayBufferLike>();

  constructor() {
    super();
    // The cpu backend greets Node users with advice to install tfjs-node; not wanted here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** An array of n floats with unspecified contents, for a kernel that writes every element. */
  alloc(n: number): Float32Array {
    if (n < POOL_MIN_ELEMENTS) return new Float32Array(n);
    const reused = this.pool.get(n)?.pop();
    if (reused) {
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
    if (held === 1 && !this.escaped.has(values.buffer) && this.pooledBytes + values.byteLength <= POOL_MAX_BYTES) {
      const list = this.pool.get(values.length) ?? [];
      list.push(values);
      this.pool.set(values.length, list);
      this.pooledBytes += values.byteLength;
    }
    return freed;
  }
}
