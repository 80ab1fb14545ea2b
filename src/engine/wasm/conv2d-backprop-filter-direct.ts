/**
 * The "direct" form of Conv2DBackpropFilter: one hand-written wasm SIMD function (simd.ts) that
 * multiplies x and dy where they lie, with no operand packed or transposed. Over xp, x
 * zero-padded by (top, left) so that every tap falls inside it,
 *   dF[p, q, c, o] = Σ_{n,i,j} xp[n, sh·i + p, sw·j + q, c] · dy[n, i, j, o],
 * a sum of outer products: for each output pixel (n, i, j), a column of rows (one float each,
 * broadcast) times a row of 8 columns (two f32x4 loads), into a register tile of MR × 8
 * accumulators. Two orientations, the cheaper one by a cost estimate:
 *   "x rows": rows = the taps (p, q, c) of xp, columns = 8 channels o of dy's pixel (needs Co ≥ 8);
 *   "dy rows": rows = the channels o, columns = 8 floats of xp's row p from column sw·j on, i.e.
 *     the taps (q, c) of that row (lanes beyond kw·Ci are read and discarded).
 * Tiles past the end start earlier instead (overlapping the one before), so loads stay in bounds;
 * every tile keeps its own accumulators, so an overlap is computed twice, never counted twice.
 * Loop order: output rows (n, i) outermost, so that dy's row and xp's kh rows stay in cache
 * across all tiles; the tiles' accumulators live in a buffer between rows and are added into a
 * total every few rows (float32 partial sums of about FLUSH_TERMS terms, not of N·Ho·Wo).
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { copyRow, free, heapF32, offsetF32, type ConvInfo, type Info } from "./heap.js";
import { backendMemory, encodeModule, FunctionWriter, I32, instantiate, SIMD, V128 } from "./simd.js";

/** Rows per register tile (2·MR accumulators + 3 registers: 4 fits x64's 16 vector registers; 5, 6 measured slower). */
const MR = 4;
/** Columns per register tile: two f32x4. */
const NR = 8;
/** Terms per float32 partial sum before it is added into the total. */
const FLUSH_TERMS = 64;

/** Cost estimate (ns), fitted to CPU times of 14 shapes (about 40 GFLOP/s in the register tile). */
const FLOP_NS = 1 / 40;
/** Per tile and output row (n, i): loading and storing the tile's 2·MR accumulators, starting its loop. */
const TILE_ROW_NS = 4;
const MOVE_NS = 1;

export type DirectOrientation = "x-rows" | "dy-rows";

/** One side's tiles: for every tile, the byte offset of each lane's float and the index it holds (−1: discarded). */
interface Tiles {
  offsets: number[]; // rows: MR per tile; columns: 1 per tile (the first of NR consecutive floats)
  index: number[]; // MR (rows) or NR (columns) per tile
  count: number;
}

export interface DirectPlan {
  orientation: DirectOrientation;
  rows: Tiles;
  cols: Tiles;
  /** dF index = row index · rowStride + column index · colStride. */
  rowStride: number;
  colStride: number;
  /** xp: padded copy of x, or x itself; its shape [N, hp, wp, Ci] (wp·Ci floats per row). */
  copy: boolean;
  hp: number;
  wp: number;
  cost: number;
}

/** Row tiles over `count` rows with byte offsets `offset(r)`; a short last tile starts earlier, one too short repeats its last row. */
function rowTiles(count: number, offset: (r: number) => number): Tiles {
  const tiles = Math.ceil(count / MR);
  const offsets: number[] = [];
  const index: number[] = [];
  for (let t = 0; t < tiles; t++) {
    const start = count >= MR ? Math.min(t * MR, count - MR) : 0;
    for (let r = 0; r < MR; r++) {
      const row = Math.min(start + r, count - 1);
      offsets.push(offset(row));
      index.push(row);
    }
  }
  return { offsets, index, count: tiles };
}

/** Column tiles over runs of `length` consecutive floats at byte offsets `runOffset(k)`, run k holding indices k·length + l. */
function colTiles(runs: number, length: number, runOffset: (k: number) => number): Tiles {
  const offsets: number[] = [];
  const index: number[] = [];
  for (let k = 0; k < runs; k++) {
    for (let t = 0; t < Math.ceil(length / NR); t++) {
      const start = length >= NR ? Math.min(t * NR, length - NR) : 0;
      offsets.push(runOffset(k) + 4 * start);
      for (let l = 0; l < NR; l++) index.push(start + l < length ? k * length + start + l : -1);
    }
  }
  return { offsets, index, count: offsets.length };
}

/** The plan for one orientation, or undefined where it does not apply. */
export function directPlan(info: ConvInfo, orientation: DirectOrientation): DirectPlan | undefined {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const hp = sh * (ho - 1) + kh;
  const wpNeeded = sw * (wo - 1) + kw;
  const run = kw * ci;
  // x serves as xp when every tap lies inside it; "dy rows" may read NR − kw·Ci floats past a run, so needs slack after xp.
  const copy = top > 0 || left > 0 || hp > h || wpNeeded > w || (orientation === "dy-rows" && run < NR);
  const wp = copy ? wpNeeded : w;
  let plan: Omit<DirectPlan, "cost" | "copy" | "hp" | "wp">;
  if (orientation === "x-rows") {
    if (co < NR) return undefined;
    plan = {
      orientation,
      rows: rowTiles(kh * kw * ci, (m) => 4 * (Math.floor(m / run) * wp * ci + (m % run))),
      cols: colTiles(1, co, () => 0),
      rowStride: co,
      colStride: 1,
    };
  } else {
    plan = {
      orientation,
      rows: rowTiles(co, (o) => 4 * o),
      cols: colTiles(kh, run, (p) => 4 * p * wp * ci),
      rowStride: 1,
      colStride: co,
    };
  }
  const tiles = plan.rows.count * plan.cols.count;
  const flops = 2 * n * ho * wo * tiles * MR * NR;
  const cost = FLOP_NS * flops + TILE_ROW_NS * n * ho * tiles + (copy ? MOVE_NS * n * hp * wp * ci : 0);
  return { ...plan, copy, hp, wp, cost };
}

/** Whether the direct form can run on this backend (its memory is reachable and the engine has wasm SIMD). */
export function directAvailable(backend: BackendWasm): boolean {
  const memory = backendMemory(backend);
  return memory !== undefined && instantiate(buildKernel, memory) !== undefined;
}

export function directFilterGrad(backend: BackendWasm, x: Info, dy: Info, info: ConvInfo, plan: DirectPlan): Info {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const { rows, cols, copy, hp, wp } = plan;
  const run = instantiate(buildKernel, backendMemory(backend)!)!;

  const accFloats = rows.count * cols.count * MR * NR;
  const xpFloats = n * hp * wp * ci;
  const xp = copy ? backend.makeOutput([xpFloats + NR], "float32") : x;
  const acc = backend.makeOutput([2 * accFloats], "float32"); // partial sums, then the total
  const tables = backend.makeOutput([rows.offsets.length + cols.offsets.length], "int32");
  const heap = heapF32(backend);
  if (copy) {
    const src = offsetF32(backend, x);
    let d = offsetF32(backend, xp);
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < hp; r++, d += wp * ci) {
        const xr = r - top;
        if (xr < 0 || xr >= h) heap.fill(0, d, d + wp * ci);
        else copyRow(heap, src + (b * h + xr) * w * ci, w * ci, -left * ci, d, wp * ci);
      }
    }
    heap.fill(0, d, d + NR); // the slack "dy rows" may read
  }
  heap.fill(0, offsetF32(backend, acc), offsetF32(backend, acc) + 2 * accFloats);
  const table = new Int32Array(heap.buffer, backend.getMemoryOffset(tables.dataId), rows.offsets.length + cols.offsets.length);
  table.set(rows.offsets);
  table.set(cols.offsets, rows.offsets.length);

  const xImg = 4 * (copy ? hp * wp : h * w) * ci;
  const xStrides = [xImg, 4 * sh * wp * ci, 4 * sw * ci];
  const dyStrides = [4 * ho * wo * co, 4 * wo * co, 4 * co];
  const [a, b] = plan.orientation === "x-rows" ? [xp, dy] : [dy, xp];
  const [aStrides, bStrides] = plan.orientation === "x-rows" ? [xStrides, dyStrides] : [dyStrides, xStrides];
  const accAt = backend.getMemoryOffset(acc.dataId);
  const tableAt = backend.getMemoryOffset(tables.dataId);
  run(
    backend.getMemoryOffset(a.dataId),
    backend.getMemoryOffset(b.dataId),
    accAt,
    accAt + 4 * accFloats,
    tableAt,
    tableAt + 4 * rows.offsets.length,
    rows.count,
    cols.count,
    n,
    ho,
    wo,
    ...aStrides,
    ...bStrides,
    Math.max(1, Math.round(FLUSH_TERMS / wo)),
    accFloats / 4,
  );

  // dF[row · rowStride + col · colStride] = total[rowTile][colTile][r][l]
  const dF = backend.makeOutput([kh, kw, ci, co], "float32");
  const out = heapF32(backend);
  const d0 = offsetF32(backend, dF);
  const t0 = offsetF32(backend, acc) + accFloats;
  for (let rt = 0; rt < rows.count; rt++) {
    for (let ct = 0; ct < cols.count; ct++) {
      const tile = t0 + (rt * cols.count + ct) * MR * NR;
      for (let r = 0; r < MR; r++) {
        const row = rows.index[rt * MR + r] * plan.rowStride;
        for (let l = 0; l < NR; l++) {
          const col = cols.index[ct * NR + l];
          if (col >= 0) out[d0 + row + col * plan.colStride] = out[tile + r * NR + l];
        }
      }
    }
  }
  free(backend, acc, tables);
  if (xp !== x) free(backend, xp);
  return dF;
}

/**
 * run(a, b, acc, total, rowTable, colTable, rowTiles, colTiles, n, ho, wo, aImg, aRow, aCol,
 *     bImg, bRow, bCol, flushRows, accVectors): addresses and strides in bytes. For each output
 * pixel (n, i, j) the row operand's pixel is a + n·aImg + i·aRow + j·aCol (likewise b); row r of
 * row tile t reads the float at rowTable[t·MR + r] bytes from it, column tile u the NR floats at
 * colTable[u]. acc holds rowTiles·colTiles tiles of MR × NR floats; every flushRows output rows
 * (and at the end) it is added into total and zeroed.
 */
export function buildKernel(shared: boolean): Uint8Array<ArrayBuffer> {
  const f = new FunctionWriter(19);
  const [a, b, acc, total, rowTable, colTable, rowTiles, colTiles, n, ho, wo, aImg, aRow, aCol, bImg, bRow, bCol, flushRows, accVectors] =
    Array.from({ length: 19 }, (_, i) => i);
  const [i, t, u, j, untilFlush, aRowAt, bRowAt, ap, bp, accp, rt, ct, k] = Array.from({ length: 13 }, () => f.local(I32));
  const offsets = Array.from({ length: MR }, () => f.local(I32));
  const sums = Array.from({ length: 2 * MR }, () => f.local(V128));
  const [b0, b1, s, zero] = Array.from({ length: 4 }, () => f.local(V128)); // locals start at 0: `zero` is never set

  const flush = () => {
    f.get(accVectors).set(k).get(acc).set(accp).get(total).set(ap);
    f.loop(k, () => {
      f.get(ap).get(ap).simd(SIMD.load, 0).get(accp).simd(SIMD.load, 0).simd(SIMD.f32x4Add).simd(SIMD.store, 0);
      f.get(accp).get(zero).simd(SIMD.store, 0);
      f.get(accp).i32(16).add().set(accp).get(ap).i32(16).add().set(ap);
    });
  };

  f.get(flushRows).set(untilFlush);
  f.loop(n, () => {
    f.get(a).set(aRowAt).get(b).set(bRowAt).get(ho).set(i);
    f.loop(i, () => {
      f.get(acc).set(accp).get(rowTable).set(rt).get(rowTiles).set(t);
      f.loop(t, () => {
        offsets.forEach((o, r) =>
          f
            .get(rt)
            .load(4 * r)
            .set(o),
        );
        f.get(colTable).set(ct).get(colTiles).set(u);
        f.loop(u, () => {
          sums.forEach((v, q) =>
            f
              .get(accp)
              .simd(SIMD.load, 16 * q)
              .set(v),
          );
          f.get(aRowAt).set(ap).get(bRowAt).get(ct).load().add().set(bp).get(wo).set(j);
          f.loop(j, () => {
            f.get(bp).simd(SIMD.load, 0).set(b0).get(bp).simd(SIMD.load, 16).set(b1);
            offsets.forEach((o, r) => {
              f.get(ap).get(o).add().simd(SIMD.load32Splat, 0).tee(s);
              f.get(b0)
                .simd(SIMD.f32x4Mul)
                .get(sums[2 * r])
                .simd(SIMD.f32x4Add)
                .set(sums[2 * r]);
              f.get(s)
                .get(b1)
                .simd(SIMD.f32x4Mul)
                .get(sums[2 * r + 1])
                .simd(SIMD.f32x4Add)
                .set(sums[2 * r + 1]);
            });
            f.get(ap).get(aCol).add().set(ap).get(bp).get(bCol).add().set(bp);
          });
          sums.forEach((v, q) =>
            f
              .get(accp)
              .get(v)
              .simd(SIMD.store, 16 * q),
          );
          f.get(accp)
            .i32(4 * MR * NR)
            .add()
            .set(accp)
            .get(ct)
            .i32(4)
            .add()
            .set(ct);
        });
        f.get(rt)
          .i32(4 * MR)
          .add()
          .set(rt);
      });
      f.whenCountdownEnds(untilFlush, () => {
        flush();
        f.get(flushRows).set(untilFlush);
      });
      f.get(aRowAt).get(aRow).add().set(aRowAt).get(bRowAt).get(bRow).add().set(bRowAt);
    });
    f.get(a).get(aImg).add().set(a).get(b).get(bImg).add().set(b);
  });
  flush();
  return encodeModule(f, shared);
}
