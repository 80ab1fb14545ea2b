import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { opsHeader } from "./ops.js";

describe("native op codes", () => {
  it("native/ops.h is the header generated from ops.ts (run `npm run gen:native-ops` after changing the table)", () => {
    expect(readFileSync(new URL("../../../native/ops.h", import.meta.url), "utf8")).toBe(opsHeader());
  });
});
