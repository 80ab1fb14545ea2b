/**
 * Image grids as plain RGBA pixels (the layout of a browser ImageData, so the dashboard can put
 * them on a canvas and Node can encode them as PNG): a data set preview, inputs beside their
 * reconstructions, and the rows × steps tiles of latent traversals. `gridFigureSvg` wraps a
 * grid's encoded image with row and column labels in a few lines of SVG.
 */
import { SculptError } from "../registry.js";

/** n images, row-major [n, height, width, channels], values in [0, 1]; 1 (grey), 3 (RGB) or 4 (RGBA) channels. */
export interface ImageBatch {
  data: ArrayLike<number>;
  n: number;
  height: number;
  width: number;
  channels: number;
}

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A tiled grid plus where its rows and columns sit, for labelling. */
export interface ImageGrid extends RgbaImage {
  rows: number;
  columns: number;
  /** Centre of each grid row / column in pixels. */
  rowCenters: number[];
  colCenters: number[];
  /** Size of one tile. */
  cellWidth: number;
  cellHeight: number;
}

/** Check a [n, H, W, C] (or [n, H, W]) shape against the data and name it as a batch. */
export function imageBatch(data: ArrayLike<number>, shape: readonly number[], what = "images"): ImageBatch {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new SculptError(`${what} have shape [${shape}], expected [n, height, width, channels]`);
  }
  const [n, height, width, channels = 1] = shape;
  if (![1, 3, 4].includes(channels)) throw new SculptError(`${what} have ${channels} channels, expected 1, 3 or 4`);
  if (n * height * width * channels !== data.length) {
    throw new SculptError(`${what} hold ${data.length} values but shape [${shape}] needs ${n * height * width * channels}`);
  }
  return { data, n, height, width, channels };
}

export interface TileOptions {
  columns: number;
  /** Pixels between cells. */
  pad?: number;
  /** Extra space after every `groupColumns` columns (e.g. between input/reconstruction pairs). */
  groupColumns?: number;
  groupGap?: number;
  /** Extra space after every `groupRows` rows. */
  groupRows?: number;
  /** Which images, in grid order (default: all); -1 leaves a cell empty. */
  order?: readonly number[];
}

const BACKGROUND = 255;

/** Tile images into one RGBA picture, row by row. */
export function tileImages(batch: ImageBatch, options: TileOptions): ImageGrid {
  const order = options.order ?? Array.from({ length: batch.n }, (_, i) => i);
  const columns = Math.max(1, Math.min(options.columns, order.length));
  const rows = Math.ceil(order.length / columns);
  const pad = options.pad ?? 2;
  const offsets = (count: number, size: number, group?: number, gap = 0) => {
    const out: number[] = [];
    let at = pad;
    for (let k = 0; k < count; k++) {
      out.push(at);
      at += size + pad + (group && (k + 1) % group === 0 && k + 1 < count ? gap : 0);
    }
    return { starts: out, total: at };
  };
  const xs = offsets(columns, batch.width, options.groupColumns, options.groupGap ?? 3 * pad);
  const ys = offsets(rows, batch.height, options.groupRows, options.groupGap ?? 3 * pad);
  const width = xs.total;
  const height = ys.total;
  const out = new Uint8ClampedArray(width * height * 4).fill(BACKGROUND);
  const { data, channels: c } = batch;
  const perImage = batch.height * batch.width * c;
  order.forEach((img, k) => {
    if (img < 0) return;
    if (img >= batch.n) throw new SculptError(`image ${img} asked for, but there are only ${batch.n}`);
    const x0 = xs.starts[k % columns];
    const y0 = ys.starts[Math.floor(k / columns)];
    for (let y = 0; y < batch.height; y++) {
      for (let x = 0; x < batch.width; x++) {
        const src = img * perImage + (y * batch.width + x) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        const v = (i: number) => Math.round(255 * Math.min(1, Math.max(0, data[src + i] || 0)));
        const g = v(0);
        out[dst] = g;
        out[dst + 1] = c >= 3 ? v(1) : g;
        out[dst + 2] = c >= 3 ? v(2) : g;
        out[dst + 3] = c === 4 ? v(3) : 255;
      }
    }
  });
  return {
    width,
    height,
    data: out,
    rows,
    columns,
    rowCenters: ys.starts.map((s) => s + batch.height / 2),
    colCenters: xs.starts.map((s) => s + batch.width / 2),
    cellWidth: batch.width,
    cellHeight: batch.height,
  };
}

/** The data set preview: the first rows × columns images (8×8 by default). */
export function previewGrid(batch: ImageBatch, rows = 8, columns = 8): ImageGrid {
  const n = Math.min(batch.n, rows * columns);
  return tileImages(batch, { columns, order: Array.from({ length: n }, (_, i) => i) });
}

/**
 * Inputs beside their reconstructions: columns alternate input | reconstruction, `pairsPerRow`
 * pairs to a row, with a wider gap between pairs. `recon` is RUN/recon.npy: [2, n, H, W, C].
 */
export function reconstructionGrid(recon: ArrayLike<number>, shape: readonly number[], pairsPerRow = 4): ImageGrid {
  if (shape.length !== 5 || shape[0] !== 2) {
    throw new SculptError(
      `reconstructions have shape [${shape}], expected [2, n, height, width, channels]`,
      "write recon.npy as inputs stacked on outputs",
    );
  }
  const [, n, h, w, c] = shape;
  const batch = imageBatch(recon, [2 * n, h, w, c], "reconstructions");
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i, n + i);
  return tileImages(batch, { columns: 2 * pairsPerRow, order, groupColumns: 2, groupGap: 10 });
}

export interface GridFigureOptions {
  /** The encoded picture: a data: URI (PNG in Node, canvas.toDataURL in a browser). */
  href: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  title?: string;
  /** Display magnification (nearest-neighbour); by default a tile shows at least ~48 px tall. */
  scale?: number;
}

export function gridFigureSvg(grid: ImageGrid, options: GridFigureOptions): string {
  const scale = options.scale ?? Math.min(4, Math.max(1, Math.ceil(48 / grid.cellHeight)));
  // Room for the longest row label at roughly 6.5 px per character of 11 px sans-serif.
  const left = options.rowLabels ? 10 + 6.5 * Math.max(0, ...options.rowLabels.map((s) => s.length)) : 0;
  const top = (options.title ? 20 : 0) + (options.colLabels ? 16 : 0);
  const w = grid.width * scale;
  const h = grid.height * scale;
  const text = (x: number, y: number, s: string, anchor: string, extra = "") =>
    `<text x="${x}" y="${y}" text-anchor="${anchor}" dominant-baseline="middle"${extra}>${escapeXml(s)}</text>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + w}" height="${top + h}" viewBox="0 0 ${left + w} ${top + h}" font-family="sans-serif" font-size="11">`,
  ];
  if (options.title) parts.push(text(left, 9, options.title, "start", ' font-weight="bold" font-size="13"'));
  options.rowLabels?.forEach((s, r) => parts.push(text(left - 6, top + grid.rowCenters[r] * scale, s, "end")));
  options.colLabels?.forEach((s, c) => parts.push(text(left + grid.colCenters[c] * scale, top - 8, s, "middle")));
  parts.push(
    `<image x="${left}" y="${top}" width="${w}" height="${h}" href="${escapeXml(options.href)}" style="image-rendering:pixelated"/>`,
    "</svg>",
  );
  return parts.join("");
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}
