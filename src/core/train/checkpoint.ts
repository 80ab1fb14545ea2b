/**
 * Checkpoints as one self-describing binary blob (so a single atomic file write saves them):
 * [u32 header length][JSON header: meta + tensor names/shapes][float32 data, concatenated].
 */
import { SculptError } from "../registry.js";

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface Checkpoint {
  epoch: number;
  /** Global step count done. */
  step: number;
  /** Batches done in `epoch` (0 at an epoch boundary). */
  stepInEpoch: number;
  arrays: NamedArray[];
  meta?: Record<string, unknown>;
}

/** Where checkpoints live: files in Node, memory or IndexedDB in the browser. */
export interface CheckpointStore {
  save(ckpt: Checkpoint): void | Promise<void>;
  load(): Checkpoint | null | Promise<Checkpoint | null>;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const header = JSON.stringify({
    epoch: c.epoch,
    step: c.step,
    stepInEpoch: c.stepInEpoch,
    meta: c.meta ?? {},
    arrays: c.arrays.map((a) => ({ name: a.name, shape: a.shape, length: a.data.length })),
  });
  const h = new TextEncoder().encode(header);
  const pad = (4 - ((4 + h.length) % 4)) % 4;
  const total = c.arrays.reduce((s, a) => s + a.data.length, 0);
  const out = new Uint8Array(4 + h.length + pad + 4 * total);
  new DataView(out.buffer).setUint32(0, h.length + pad, true);
  out.set(h, 4);
  out.fill(0x20, 4 + h.length, 4 + h.length + pad);
  const body = new Float32Array(out.buffer, 4 + h.length + pad, total);
  let off = 0;
  for (const a of c.arrays) {
    body.set(a.data, off);
    off += a.data.length;
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < 4) throw new SculptError("checkpoint file is empty or truncated", "delete it and restart the run");
  const buf = Uint8Array.prototype.slice.call(bytes).buffer; // aligned copy (Buffer#slice would share memory)
  const hlen = new DataView(buf).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, hlen))) as Omit<Checkpoint, "arrays"> & {
    arrays: { name: string; shape: number[]; length: number }[];
  };
  let off = 4 + hlen;
  const arrays = header.arrays.map((a) => {
    const data = new Float32Array(buf, off, a.length);
    off += 4 * a.length;
    return { name: a.name, shape: a.shape, data };
  });
  if (off !== buf.byteLength) throw new SculptError("checkpoint file is truncated", "delete it and restart the run");
  return { epoch: header.epoch, step: header.step, stepInEpoch: header.stepInEpoch, meta: header.meta, arrays };
}
