import { describe, expect, it } from "vitest";
import { parseNpy, serializeNpy, type NpyDtype } from "./npy.js";

describe("npy", () => {
  it.each<[NpyDtype, ArrayLike<number>]>([
    ["float32", Float32Array.from([1.5, -2, 3, 4, 5, 6])],
    ["float64", Float64Array.from([1e-300, 2, 3, 4, 5, 6])],
    ["int64", Float64Array.from([-1, 2 ** 40, 3, 4, 5, 6])],
    ["int32", Int32Array.from([-1, 2, 3, 4, 5, 6])],
    ["uint8", Uint8Array.from([0, 1, 2, 3, 254, 255])],
  ])("round-trips %s", (dtype, data) => {
    const bytes = serializeNpy({ dtype, shape: [2, 3], data: data as Float32Array });
    expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
    const back = parseNpy(bytes);
    expect(back.dtype).toBe(dtype);
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it("refuses what it cannot read, naming the problem", () => {
    expect(() => parseNpy(new Uint8Array(20), "z.npy")).toThrow(/z.npy is not a .npy file/);
    const good = serializeNpy({ dtype: "float32", shape: [4], data: new Float32Array(4) });
    expect(() => parseNpy(good.subarray(0, good.length - 3), "z.npy")).toThrow(/truncated/);
    const text = new TextDecoder("latin1").decode(good).replace("<f4", ">f4");
    expect(() =>
      parseNpy(
        Uint8Array.from(text, (c) => c.charCodeAt(0)),
        "z.npy",
      ),
    ).toThrow(/unsupported dtype '>f4'/);
    const fortran = new TextDecoder("latin1").decode(good).replace("'fortran_order': False", "'fortran_order': True ");
    expect(() =>
      parseNpy(
        Uint8Array.from(fortran, (c) => c.charCodeAt(0)),
        "z.npy",
      ),
    ).toThrow(/Fortran/);
  });
});

describe("npy from a Node Buffer", () => {
  it("reads the Buffer's own bytes, not its memory pool's", () => {
    const bytes = serializeNpy({ dtype: "float32", shape: [3], data: Float32Array.from([1, 2, 3]) });
    const pooled = Buffer.from(bytes); // small Buffers live at an offset inside a shared pool
    expect(Array.from(parseNpy(pooled).data)).toEqual([1, 2, 3]);
  });
});
