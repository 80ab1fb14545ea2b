import { describe, expect, it } from "vitest";
import { factorLookup } from "./factor-lookup.js";
import { SYNTHETIC_DATASETS } from "./index.js";

describe("factorLookup", () => {
  it("finds the image with given factor classes in a full grid (XYC), and refuses a partial one", async () => {
    const all = await SYNTHETIC_DATASETS.xyc.create({ split: "train" });
    const found = factorLookup(all);
    if (!("lookup" in found)) throw new Error(found.reason);
    const want = Int32Array.from([0, 0, 0, 52, 17, 4, 10, 3, 2]);
    const idx = found.lookup(want, 3);
    expect(Array.from(all.factors!.classes(idx))).toEqual(Array.from(want));
    const part = factorLookup(await SYNTHETIC_DATASETS.xyc.create({ split: "train", limit: 100 }));
    expect("reason" in part && part.reason).toMatch(/not a full grid/);
  });
});
