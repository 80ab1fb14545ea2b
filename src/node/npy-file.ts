/** `.npy` files on disk, and conversions between npy arrays and matrices. */
import { existsSync, readFileSync } from "node:fs";
import { parseNpy, serializeNpy, type NpyArray } from "../core/io/npy.js";
import { matrix, type Matrix } from "../core/matrix.js";
import { SculptError } from "../core/registry.js";
import { writeFileAtomic } from "./atomic.js";

export function readNpy(path: string): NpyArray {
  if (!existsSync(path)) throw new SculptError(`file not found: ${path}`, "check the path");
  return parseNpy(new Uint8Array(readFileSync(path)), path);
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
