/**
 * Checkpoints in a run folder: one file, replaced atomically, so a kill never leaves half of one.
 * The file ends with a trailer holding the SHA-256 of everything before it, so damaged weights are
 * refused instead of resumed; files written before the trailer existed load without it.
 */
import { existsSync, readFileSync } from "node:fs";
import { SculptError } from "../core/registry.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointStore } from "../core/train/checkpoint.js";
import { writeFileAtomic } from "./atomic.js";
import { sha256 } from "./run-config.js";

const MAGIC = "SCULPT-SHA256:";
const TRAILER = MAGIC.length + 64;

export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly path: string) {}
  save(ckpt: Checkpoint): void {
    const body = encodeCheckpoint(ckpt);
    const out = new Uint8Array(body.length + TRAILER);
    out.set(body);
    out.set(new TextEncoder().encode(MAGIC + sha256(body)), body.length);
    writeFileAtomic(this.path, out);
  }
  load(): Checkpoint | null {
    if (!existsSync(this.path)) return null;
    const bytes = new Uint8Array(readFileSync(this.path));
    const damaged = (why: string) =>
      new SculptError(`checkpoint ${this.path} is ${why}`, "delete the run folder and train again (or restore the file)");
    const tail = new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - TRAILER)));
    let body = bytes;
    if (tail.startsWith(MAGIC)) {
      body = bytes.subarray(0, bytes.length - TRAILER);
      if (sha256(body) !== tail.slice(MAGIC.length)) throw damaged("damaged: its contents do not match its SHA-256");
    }
    try {
      return decodeCheckpoint(body);
    } catch (err) {
      throw damaged(`unreadable (${err instanceof SculptError ? err.problem : (err as Error).message})`);
    }
  }
}
