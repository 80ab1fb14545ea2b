import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runId, sha256Hex, stableJson, RUN_ID_LENGTH } from "./hash.js";

describe("sha256Hex", () => {
  // Lengths around the 55/56/64-byte padding boundaries, multi-block input and non-ASCII text.
  const inputs = ["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "x".repeat(1000), "λ ± π — 🧪", JSON.stringify({ a: [1, 2] })];
  it.each(inputs.map((s) => [s.length, s]))("matches node:crypto on %i characters", (_, s) => {
    expect(sha256Hex(s)).toBe(createHash("sha256").update(s, "utf8").digest("hex"));
  });
});

describe("stableJson and runId", () => {
  it("does not depend on key order at any depth", () => {
    const a = { model: { kind: "ae-mmd", lambda: 0.3 }, dataset: "xy", seeds: [2, 1] };
    const b = { seeds: [2, 1], dataset: "xy", model: { lambda: 0.3, kind: "ae-mmd" } };
    expect(stableJson(a)).toBe(stableJson(b));
    expect(stableJson(a)).toBe('{"dataset":"xy","model":{"kind":"ae-mmd","lambda":0.3},"seeds":[2,1]}');
    expect(runId(a)).toBe(runId(b));
  });

  it("changes with any value, and leaves undefined members out", () => {
    const base = { dataset: "xy", seed: 0 };
    expect(runId({ ...base, seed: 1 })).not.toBe(runId(base));
    expect(runId({ ...base, extra: undefined })).toBe(runId(base));
    expect(runId(base)).toMatch(new RegExp(`^[0-9a-f]{${RUN_ID_LENGTH}}$`));
  });

  it("refuses values JSON cannot carry", () => {
    expect(() => stableJson({ lr: NaN })).toThrow(/non-finite/);
    expect(() => stableJson({ f: () => 1 })).toThrow(/function/);
  });
});
