/**
 * A full factorial grid of discrete factors with a mixed-radix index, the layout of dSprites
 * (deepmind/dsprites-dataset notebook: `index = dot(classes, bases)`) and of the DGAE XYC loops.
 * The digit order (which factor varies slowest) may differ from the order factors are reported in:
 * XYC loops over column, row, colour but labels rows [row, column, colour].
 */
import { SculptError } from "../registry.js";
import { checkIndices } from "./split.js";
import type { FactorInfo } from "./types.js";

export class FactorGrid {
  readonly size: number;
  /** Index step of one class of each factor (in factor order). */
  readonly strides: readonly number[];

  /** `slowestFirst` lists factor positions from the slowest-varying digit to the fastest. */
  constructor(
    readonly sizes: readonly number[],
    slowestFirst: readonly number[] = sizes.map((_, i) => i),
  ) {
    if ([...slowestFirst].sort().join() !== sizes.map((_, i) => i).join()) {
      throw new SculptError(`digit order [${slowestFirst}] is not a permutation of the ${sizes.length} factors`);
    }
    const strides = new Array<number>(sizes.length);
    let step = 1;
    for (let k = slowestFirst.length - 1; k >= 0; k--) {
      strides[slowestFirst[k]] = step;
      step *= sizes[slowestFirst[k]];
    }
    this.size = step;
    this.strides = strides;
  }

  /** Class of factor `f` at `index`. */
  classOf(index: number, f: number): number {
    return Math.floor(index / this.strides[f]) % this.sizes[f];
  }

  /** The index of a row of class indices (factor order). */
  indexOf(classes: ArrayLike<number>): number {
    let index = 0;
    for (let f = 0; f < this.sizes.length; f++) {
      if (!(classes[f] >= 0 && classes[f] < this.sizes[f])) {
        throw new SculptError(`factor ${f} class ${classes[f]} is out of range`, `use 0..${this.sizes[f] - 1}`);
      }
      index += classes[f] * this.strides[f];
    }
    return index;
  }
}

/** FactorInfo for a grid: classes from the index, values looked up per class (`values[f][class]`). */
export function gridFactors(
  name: string,
  grid: FactorGrid,
  names: string[],
  values: readonly (readonly number[])[],
  classNames?: Record<string, readonly string[]>,
): FactorInfo {
  const k = names.length;
  return {
    names,
    sizes: [...grid.sizes],
    classNames,
    classes(indices) {
      checkIndices(name, indices, grid.size);
      const out = new Int32Array(indices.length * k);
      for (let r = 0; r < indices.length; r++) for (let f = 0; f < k; f++) out[r * k + f] = grid.classOf(indices[r], f);
      return out;
    },
    values(indices) {
      checkIndices(name, indices, grid.size);
      const out = new Float32Array(indices.length * k);
      for (let r = 0; r < indices.length; r++) for (let f = 0; f < k; f++) out[r * k + f] = values[f][grid.classOf(indices[r], f)];
      return out;
    },
  };
}
