/**
 * Input checks shared by every metric: shapes, finite values, enough rows, factor classes in
 * range. Each failure is a SculptError that names the problem and the fix, so a metric never
 * returns a number computed from malformed input.
 */
import type { Matrix } from "../matrix.js";
import { SculptError } from "../registry.js";

/** Ground-truth factors as class indices: row-major n×k `classes`, factor j in 0..sizes[j]−1. */
export interface Factors {
  readonly classes: Int32Array;
  readonly sizes: number[];
  readonly names: string[];
}

/** Refuse a matrix that is empty, has too few rows or columns, or holds NaN/Inf. */
export function checkLatents(z: Matrix, what: string, opts: { minRows?: number; minCols?: number } = {}): void {
  const minRows = opts.minRows ?? 2;
  const minCols = opts.minCols ?? 1;
  if (!Number.isInteger(z.rows) || !Number.isInteger(z.cols) || z.data.length !== z.rows * z.cols) {
    throw new SculptError(`${what}: data length ${z.data.length} does not match ${z.rows}×${z.cols}`, "pass a row-major rows×cols matrix");
  }
  if (z.rows < minRows) {
    throw new SculptError(`${what} needs at least ${minRows} rows (samples), got ${z.rows}`, "evaluate on more samples");
  }
  if (z.cols < minCols) {
    throw new SculptError(`${what} needs at least ${minCols} latent dimensions, got ${z.cols}`, "pass an N×d matrix with more columns");
  }
  for (let i = 0; i < z.data.length; i++) {
    const v = z.data[i];
    if (!Number.isFinite(v)) {
      throw new SculptError(
        `${what} has a non-finite value (${v}) at row ${Math.floor(i / z.cols)}, column ${i % z.cols}`,
        "remove or impute NaN/Inf rows first (a diverged model gives NaN codes)",
      );
    }
  }
}

/** Refuse factors whose shape does not match the latents or whose classes are out of range. */
export function checkFactors(f: Factors, rows: number, what: string, opts: { minFactors?: number } = {}): void {
  const k = f.sizes.length;
  const minFactors = opts.minFactors ?? 1;
  if (k < minFactors) throw new SculptError(`${what} needs at least ${minFactors} factors, got ${k}`, "pass more ground-truth factors");
  if (f.names.length !== k) {
    throw new SculptError(`${what}: ${f.names.length} factor names for ${k} factor sizes`, "give one name per factor");
  }
  if (f.classes.length !== rows * k) {
    throw new SculptError(
      `${what}: factors hold ${f.classes.length} values, expected ${rows} rows × ${k} factors`,
      "pass one row of factor classes per latent row",
    );
  }
  for (let j = 0; j < k; j++) {
    if (!Number.isInteger(f.sizes[j]) || f.sizes[j] < 1) {
      throw new SculptError(`${what}: factor '${f.names[j]}' has size ${f.sizes[j]}`, "factor sizes are positive whole numbers");
    }
  }
  for (let i = 0; i < f.classes.length; i++) {
    const j = i % k;
    const c = f.classes[i];
    if (c < 0 || c >= f.sizes[j]) {
      throw new SculptError(
        `${what}: factor '${f.names[j]}' has class ${c} at row ${Math.floor(i / k)}, outside 0..${f.sizes[j] - 1}`,
        "factors must be class indices (0-based) below their size",
      );
    }
  }
}

/** Factors from a row-major integer matrix, sizes taken as max+1 per column. */
export function factorsFromMatrix(m: Matrix, names?: string[]): Factors {
  const classes = new Int32Array(m.data.length);
  const sizes = new Array<number>(m.cols).fill(0);
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new SculptError(
        `factor value ${v} at row ${Math.floor(i / m.cols)}, column ${i % m.cols} is not a class index`,
        "pass factors as non-negative integer class indices (e.g. int64 .npy)",
      );
    }
    classes[i] = v;
    const j = i % m.cols;
    if (v + 1 > sizes[j]) sizes[j] = v + 1;
  }
  return { classes, sizes, names: names ?? sizes.map((_, j) => `factor${j}`) };
}

/** Column j of the factors as class indices. */
export function factorColumn(f: Factors, j: number): Int32Array {
  const k = f.sizes.length;
  const n = f.classes.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = f.classes[i * k + j];
  return out;
}

/** Number of training rows for a split: a count or a fraction of n, leaving at least one test row. */
export function trainCount(n: number, train: number | undefined, fallbackFraction: number, what: string): number {
  const t = train === undefined ? Math.floor(n * fallbackFraction + 1e-9) : train < 1 ? Math.floor(n * train + 1e-9) : train;
  if (!Number.isInteger(t) || t < 2 || n - t < 1) {
    throw new SculptError(`${what}: cannot split ${n} rows into ${t} train and ${n - t} test rows`, "use more rows or another train size");
  }
  return t;
}

/** Refuse a factor that takes one value on these rows (its entropy is 0). */
export function checkVaryingFactors(f: Factors, columns: Int32Array[], what: string): void {
  columns.forEach((col, j) => {
    for (let i = 1; i < col.length; i++) if (col[i] !== col[0]) return;
    throw new SculptError(`${what}: factor '${f.names[j]}' takes a single value`, "drop constant factors (e.g. dSprites' colour) first");
  });
}
