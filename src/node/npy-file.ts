/** `.npy` files on disk, and conversions between npy arrays and matrices. */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { MAX_NPY_HEADER, NPY_PREAMBLE, parseNpy, parseNpyHeader, serializeNpy, type NpyArray } from "../core/io/npy.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { SculptError } from "../core/registry.js";
import { writeFileAtomic } from "./atomic.js";

/**
 * Read a .npy file: the header first (bounded), then exactly the bytes its shape needs, so a
 * device (/dev/zero), a pipe or a huge file is never read whole.
 */
export function readNpy(path: string): NpyArray {
  if (!existsSync(path)) throw new SculptError(`file not found: ${path}`, "check the path");
  const stat = statSync(path);
  if (stat.isDirectory()) throw new SculptError(`${path} is a folder, not a .npy file`, "give the path of a .npy file inside it");
  const fd = openSync(path, "r");
  try {
    const read = (length: number, position: number) => {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    };
    const head = read(NPY_PREAMBLE + MAX_NPY_HEADER, 0);
    const { start, need } = parseNpyHeader(head, path);
    if (stat.isFile() && stat.size - start < need) {
      throw new SculptError(
        `${path}: truncated .npy data (${stat.size - start} bytes, its header's shape needs ${need})`,
        "the file was cut short; re-create it",
      );
    }
    return parseNpy(read(start + need, 0), path);
  } finally {
    closeSync(fd);
  }
}

export function writeNpy(path: string, arr: NpyArray): void {
  writeFileAtomic(path, serializeNpy(arr));
}

/** Read a 2-D .npy (N×d) as a float32 matrix; a 1-D array becomes N×1. */
export function readMatrix(path: string): Matrix {
  const arr = readNpy(path);
  if (arr.shape.length === 1) return matrix(arr.shape[0], 1, Float32Array.from(arr.data));
  if (arr.shape.length !== 2) {
    throw new SculptError(`${path} has shape [${arr.shape}], expected a 2-D array (rows × dims)`, "reshape it to N×d");
  }
  return matrix(arr.shape[0], arr.shape[1], arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data));
}

export function writeMatrix(path: string, m: Matrix): void {
  writeNpy(path, { dtype: "float32", shape: [m.rows, m.cols], data: m.data instanceof Float32Array ? m.data : Float32Array.from(m.data) });
}
