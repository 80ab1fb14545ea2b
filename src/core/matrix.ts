/**
 * A dense row-major float matrix: the plain-data currency between priors, metrics and files
 * (tensors are for training; metrics and samplers work on typed arrays).
 */
import { SculptError } from "./registry.js";

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major, length rows*cols. */
  readonly data: Float32Array | Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float32Array | Float64Array): Matrix {
  const d = data ?? new Float32Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new SculptError(`matrix data has ${d.length} values, expected ${rows}×${cols}`);
  }
  return { rows, cols, data: d };
}

/** Column j as a new Float64Array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Rows `idx` of m, in that order. */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const out = new Float32Array(idx.length * m.cols);
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r] * m.cols;
    for (let c = 0; c < m.cols; c++) out[r * m.cols + c] = m.data[src + c];
  }
  return matrix(idx.length, m.cols, out);
}

/** Throw a clear error if m has a non-finite value. */
export function assertFinite(m: Matrix, what: string): void {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) {
      const r = Math.floor(i / m.cols);
      throw new SculptError(
        `${what} has a non-finite value (${m.data[i]}) at row ${r}, column ${i % m.cols}`,
        "remove or impute NaN/Inf rows before computing this",
      );
    }
  }
}
