/**
 * XY, XYC and XYCS: one shape on an 84×84 black canvas at every position, colour (brightness) and
 * shape, rendered on demand from the index. XYC reproduces the DGAE generator exactly
 * (stfc-sciml/dae make_xyc_dataset.py, Cha & Thiyagalingam, ICML 2023): for column i in 15..67,
 * row j in 15..67, colour c in 0.2..1.0, pixel (r, col) = c iff sqrt((r−j)² + (col−i)²) < 15,
 * labels [j, i, c] = [row, col, colour]; 14,045 images, 697 pixels per disc. DGAE's code ships only
 * XYC, so XY (XYC at colour 1.0) and XYCS (XYC × circle, triangle, square) are reconstructions.
 */
import { FactorGrid, gridFactors } from "./factor-grid.js";
import { checkIndices, outputBuffer, synthesisedSplit } from "./split.js";
import type { Dataset, DatasetEntry } from "./types.js";

const CANVAS = 84;
const RADIUS = 15;
/** Python's range(15, 84 - 15 - 1): centres 15..67, 53 per axis. */
const POSITIONS = Array.from({ length: CANVAS - 2 * RADIUS - 1 }, (_, k) => RADIUS + k);
const COLOURS = [0.2, 0.4, 0.6, 0.8, 1.0];
export const XY_SHAPES = ["circle", "triangle", "square"] as const;
export type XyShape = (typeof XY_SHAPES)[number];

/** Area of the DGAE disc, π·15²; the XYCS triangle and square have the same area. */
const DISC_AREA = Math.PI * RADIUS * RADIUS;
/** Square side √(π·15²) = 26.587 px, axis-aligned. */
export const SQUARE_SIDE = Math.sqrt(DISC_AREA);
/** Equilateral triangle side √(4·π·15²/√3) = 40.40 px, apex up. */
export const TRIANGLE_SIDE = Math.sqrt((4 * DISC_AREA) / Math.sqrt(3));

/**
 * Pixel offsets [dRow, dCol, ...] covered by a shape centred on an integer pixel. Like the DGAE disc,
 * a pixel is in when its integer (row, col) coordinate lies strictly inside the shape. The square
 * and triangle are centred on their bounding box (the disc's centre is its bounding-box centre too),
 * so the triangle spans ±17.49 rows and ±20.20 columns and loses its corners at the extreme positions.
 */
export function shapeOffsets(shape: XyShape): Int32Array {
  const reach = Math.ceil(TRIANGLE_SIDE / 2) + 1;
  const height = (TRIANGLE_SIDE * Math.sqrt(3)) / 2;
  const inside: Record<XyShape, (dr: number, dc: number) => boolean> = {
    circle: (dr, dc) => Math.sqrt(dr * dr + dc * dc) < RADIUS,
    square: (dr, dc) => Math.abs(dr) < SQUARE_SIDE / 2 && Math.abs(dc) < SQUARE_SIDE / 2,
    // Half-width grows linearly from 0 at the apex (dr = −h/2) to side/2 at the base (dr = h/2).
    triangle: (dr, dc) => Math.abs(dr) < height / 2 && Math.abs(dc) < ((dr + height / 2) / height) * (TRIANGLE_SIDE / 2),
  };
  const out: number[] = [];
  for (let dr = -reach; dr <= reach; dr++) for (let dc = -reach; dc <= reach; dc++) if (inside[shape](dr, dc)) out.push(dr, dc);
  return Int32Array.from(out);
}

interface Variant {
  name: string;
  colours: number[];
  shapes: readonly XyShape[];
}

/** The full set of a variant, in index order: shape slowest, then column, row, colour (DGAE's loops). */
function xyFull(v: Variant): Dataset {
  const names = ["row", "col"];
  const sizes = [POSITIONS.length, POSITIONS.length];
  const values: number[][] = [POSITIONS, POSITIONS];
  const slowestFirst = [1, 0];
  if (v.colours.length > 1) {
    names.push("colour");
    sizes.push(v.colours.length);
    values.push(v.colours);
    slowestFirst.push(2);
  }
  if (v.shapes.length > 1) {
    names.push("shape");
    sizes.push(v.shapes.length);
    values.push(v.shapes.map((_, k) => k));
    slowestFirst.unshift(names.length - 1);
  }
  const grid = new FactorGrid(sizes, slowestFirst);
  const fColour = names.indexOf("colour");
  const fShape = names.indexOf("shape");
  const masks = v.shapes.map(shapeOffsets);
  const pixels = CANVAS * CANVAS;
  const classNames = fShape >= 0 ? { shape: [...v.shapes] } : undefined;
  return {
    name: v.name,
    shape: [CANVAS, CANVAS, 1],
    size: grid.size,
    splitRule: "",
    factors: gridFactors(v.name, grid, names, values, classNames),
    images(indices, out) {
      checkIndices(v.name, indices, grid.size);
      const buf = outputBuffer(v.name, indices.length, pixels, out);
      buf.fill(0, 0, indices.length * pixels);
      for (let n = 0; n < indices.length; n++) {
        const index = indices[n];
        const row = POSITIONS[grid.classOf(index, 0)];
        const col = POSITIONS[grid.classOf(index, 1)];
        const colour = fColour >= 0 ? v.colours[grid.classOf(index, fColour)] : v.colours[0];
        const mask = masks[fShape >= 0 ? grid.classOf(index, fShape) : 0];
        const base = n * pixels;
        for (let k = 0; k < mask.length; k += 2) {
          const r = row + mask[k];
          const c = col + mask[k + 1];
          if (r >= 0 && r < CANVAS && c >= 0 && c < CANVAS) buf[base + r * CANVAS + c] = colour;
        }
      }
      return buf;
    },
  };
}

function entry(v: Variant, description: string, source: string): DatasetEntry {
  return {
    description,
    shape: [CANVAS, CANVAS, 1],
    source,
    create: (options) => synthesisedSplit(xyFull(v), options),
  };
}

const DGAE = "generated; definition from stfc-sciml/dae make_xyc_dataset.py (DGAE, ICML 2023)";

export const xy = entry(
  { name: "xy", colours: [1.0], shapes: ["circle"] },
  "disc of radius 15 at 53×53 positions on 84×84, colour 1.0 (2,809 images; XYC's colour-1.0 slice, a reconstruction)",
  DGAE + "; XY is not in that code",
);
export const xyc = entry(
  { name: "xyc", colours: COLOURS, shapes: ["circle"] },
  "disc of radius 15 at 53×53 positions × 5 colours on 84×84 (14,045 images), exactly as DGAE's generator",
  DGAE,
);
export const xycs = entry(
  { name: "xycs", colours: COLOURS, shapes: XY_SHAPES },
  "XYC × shape (circle, triangle, square of equal area) on 84×84 (42,135 images; a reconstruction)",
  DGAE + "; the shape factor is not in that code (shapes from the CODAE paper's XYRCS description)",
);
