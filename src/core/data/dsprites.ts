/**
 * dSprites (Matthey et al. 2017, deepmind/dsprites-dataset), regenerated on demand from the index:
 * 3 shapes × 6 scales × 40 orientations × 32 posX × 32 posY = 737,280 binary 64×64 images, in the
 * official index order (posY fastest) with the official factor values (REFERENCE §1.1). Nothing is
 * materialised: a batch of 512 is drawn in about a millisecond per 100 images.
 *
 * Geometry (REFERENCE §1.4, measured on official images): centre at 64·(0.25 + 0.5·pos) px, posX
 * along columns, posY down the rows; θ turns the shape counter-clockwise as displayed; square side
 * 19.2·s px; ellipse semi-axes 12.8·s and 7.15·s px, major axis along x at θ = 0. A pixel is on when
 * its centre lies inside the shape (no antialiasing, as Love2D drew them). The heart's outline was
 * never published; ours is a diamond with two discs on its upper edges, fitted to an official heart
 * (see HEART). The generator approximates the official pixels; `dsprites-npz` loads the real file.
 */
import { FactorGrid, gridFactors } from "./factor-grid.js";
import { checkIndices, outputBuffer, synthesisedSplit } from "./split.js";
import type { Dataset, DatasetEntry } from "./types.js";

export const DSPRITES_SIZE = 64;
export const DSPRITES_FACTOR_NAMES = ["shape", "scale", "orientation", "posX", "posY"];
export const DSPRITES_FACTOR_SIZES = [3, 6, 40, 32, 32];
export const DSPRITES_SHAPES = ["square", "ellipse", "heart"];
const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));
/** `latents_values` per class; orientation is linspace(0, 2π, 40) with both ends (0 and 2π repeat images). */
export const DSPRITES_FACTOR_VALUES: readonly (readonly number[])[] = [
  [1, 2, 3],
  [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
  linspace(0, 2 * Math.PI, 40),
  linspace(0, 1, 32),
  linspace(0, 1, 32),
];
/** Official index order: index = ((((shape·6 + scale)·40 + orientation)·32 + posX)·32 + posY. */
export const DSPRITES_GRID = new FactorGrid(DSPRITES_FACTOR_SIZES);

export const SQUARE_HALF_SIDE = 9.6;
export const ELLIPSE_SEMI_AXES = [12.8, 7.15] as const;

/**
 * Heart, in px at scale 1, y up: a diamond of side `side` (a square turned 45°) with discs of
 * diameter `side` on its two upper edges, stretched vertically by `stretch`, its diamond centre
 * `drop` px below the nominal centre. Fitted by grid search to the official heart drawn in
 * REFERENCE §1.4 (s = 0.7, θ = 0; best IoU over sub-pixel shifts) and to its measured area, about
 * 226·s² px².
 */
export const HEART = { side: 10.9, stretch: 1.05, drop: 0.9 };

type Inside = (u: number, v: number) => boolean;

/** Point-in-shape test in the sprite's own frame (px, y up, origin at the nominal centre). */
export function spriteShape(shape: number, scale: number, heart = HEART): Inside {
  if (shape === 0) {
    const h = SQUARE_HALF_SIDE * scale;
    return (u, v) => Math.abs(u) < h && Math.abs(v) < h;
  }
  if (shape === 1) {
    const a = ELLIPSE_SEMI_AXES[0] * scale;
    const b = ELLIPSE_SEMI_AXES[1] * scale;
    return (u, v) => (u * u) / (a * a) + (v * v) / (b * b) < 1;
  }
  const half = (heart.side * scale) / Math.SQRT2; // diamond centre to corner
  const c = half / 2; // disc centres sit on the upper edges' midpoints
  const r2 = ((heart.side * scale) / 2) ** 2;
  const drop = heart.drop * scale;
  return (u, v) => {
    const y = (v + drop) / heart.stretch;
    return Math.abs(u) + Math.abs(y) < half || (Math.abs(u) - c) ** 2 + (y - c) ** 2 < r2;
  };
}

/**
 * Draw one sprite into `out` (64×64 from `offset`, which must be zero) and return its pixel count.
 * `cx`, `cy`: centre in continuous px (pixel c spans [c, c+1)), y down; `reach`: px searched around it.
 */
export function drawSprite(out: Float32Array, offset: number, inside: Inside, theta: number, cx: number, cy: number, reach = 15): number {
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  let count = 0;
  const r0 = Math.max(0, Math.floor(cy - reach));
  const r1 = Math.min(DSPRITES_SIZE - 1, Math.ceil(cy + reach));
  const c0 = Math.max(0, Math.floor(cx - reach));
  const c1 = Math.min(DSPRITES_SIZE - 1, Math.ceil(cx + reach));
  for (let r = r0; r <= r1; r++) {
    const dyUp = cy - (r + 0.5);
    for (let c = c0; c <= c1; c++) {
      const dx = c + 0.5 - cx;
      // World = R(θ)·local, so local = R(−θ)·world (counter-clockwise as displayed, y up).
      if (inside(dx * cos + dyUp * sin, -dx * sin + dyUp * cos)) {
        out[offset + r * DSPRITES_SIZE + c] = 1;
        count++;
      }
    }
  }
  return count;
}

/** Centre of the sprite in continuous px for a position value in [0, 1]. */
export const spriteCentre = (pos: number) => DSPRITES_SIZE * (0.25 + 0.5 * pos);

function dspritesFull(): Dataset {
  const grid = DSPRITES_GRID;
  const pixels = DSPRITES_SIZE * DSPRITES_SIZE;
  const [, scales, angles, xs, ys] = DSPRITES_FACTOR_VALUES;
  // 3 × 6 shape tests, built once.
  const shapes = [0, 1, 2].map((sh) => scales.map((s) => spriteShape(sh, s)));
  // Search radius per scale: every shape lies within the square's half-diagonal, 13.6·s px.
  const reach = scales.map((s) => Math.ceil(SQUARE_HALF_SIDE * Math.SQRT2 * s) + 1);
  return {
    name: "dsprites",
    shape: [DSPRITES_SIZE, DSPRITES_SIZE, 1],
    size: grid.size,
    splitRule: "",
    factors: gridFactors("dsprites", grid, DSPRITES_FACTOR_NAMES, DSPRITES_FACTOR_VALUES, { shape: DSPRITES_SHAPES }),
    images(indices, out) {
      checkIndices("dsprites", indices, grid.size);
      const buf = outputBuffer("dsprites", indices.length, pixels, out);
      buf.fill(0, 0, indices.length * pixels);
      for (let n = 0; n < indices.length; n++) {
        const i = indices[n];
        const s = grid.classOf(i, 1);
        const [theta, cx, cy] = [angles[grid.classOf(i, 2)], spriteCentre(xs[grid.classOf(i, 3)]), spriteCentre(ys[grid.classOf(i, 4)])];
        drawSprite(buf, n * pixels, shapes[grid.classOf(i, 0)][s], theta, cx, cy, reach[s]);
      }
      return buf;
    },
  };
}

export const dsprites: DatasetEntry = {
  description: "dSprites regenerated on demand: 3 shapes × 6 scales × 40 orientations × 32×32 positions, 64×64 binary (737,280 images)",
  shape: [DSPRITES_SIZE, DSPRITES_SIZE, 1],
  source: "generated; factor grid and order of deepmind/dsprites-dataset (approximate pixels; heart outline fitted)",
  create: (options) => synthesisedSplit(dspritesFull(), options),
};
