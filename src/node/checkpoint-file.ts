/** Checkpoints in a run folder: one file, replaced atomically, so a kill never leaves half of one. */
import { existsSync, readFileSync } from "node:fs";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointStore } from "../core/train/checkpoint.js";
import { writeFileAtomic } from "./atomic.js";

export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly path: string) {}
  save(ckpt: Checkpoint): void {
    writeFileAtomic(this.path, encodeCheckpoint(ckpt));
  }
  load(): Checkpoint | null {
    return existsSync(this.path) ? decodeCheckpoint(new Uint8Array(readFileSync(this.path))) : null;
  }
}
