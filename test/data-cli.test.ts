/**
 * `sculpt data` end to end: preview and export in-process (their output is files), list/info and an
 * error through the real command line (JSON on stdout, the problem and fix on stderr, exit 2).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { parseNpy } from "../src/core/io/npy.js";
import { ROOT } from "./helpers.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sculpt-data-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sculpt = (...args: string[]) => buildProgram().parseAsync(["node", "sculpt", ...args]);
const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv))", "sculpt", ...args], {
    cwd: ROOT,
  });

describe("sculpt data", () => {
  it("preview writes an 8×8 PNG grid atomically", async () => {
    const out = join(tmp, "grid.png");
    await sculpt("data", "preview", "dsprites", "--out", out);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([8 * 64 + 9 * 2, 8 * 64 + 9 * 2]);
    // Each tile holds one white sprite on black: its first tile's centre region has white pixels.
    let white = 0;
    for (let y = 2; y < 66; y++) for (let x = 2; x < 66; x++) if (png.data[(y * png.width + x) * 4] === 255) white++;
    expect(white).toBeGreaterThan(20);
    expect(readdirSync(tmp).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await expect(sculpt("data", "preview", "xy", "--out", join(tmp, "x.png"), "--split", "dev")).rejects.toThrow(/unknown split 'dev'/);
  });

  it("export writes images.npy and factors.npy that match the set", async () => {
    const out = join(tmp, "xyc");
    await sculpt("data", "export", "xyc", "--out", out, "--limit", "7");
    const images = parseNpy(new Uint8Array(readFileSync(join(out, "images.npy"))));
    expect(images.shape).toEqual([7, 84, 84, 1]);
    expect(images.data.filter((v) => v > 0).length).toBe(7 * 697);
    const factors = parseNpy(new Uint8Array(readFileSync(join(out, "factors.npy"))));
    expect(Array.from(factors.data.subarray(0, 21))).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 1, 0, 0, 1, 0, 1]);
    await expect(sculpt("data", "export", "dsprites", "--out", join(tmp, "ds"))).rejects.toThrow(/11\.3 GiB/);
  });

  it("info prints JSON through the real command line; a missing file names the expected path", async () => {
    const info = JSON.parse((await cli("data", "info", "xyc", "--split", "test", "--json")).stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      name: "xyc",
      size: 10000,
      shape: [84, 84, 1],
      factors: { names: ["row", "col", "colour"], sizes: [53, 53, 5] },
    });
    expect(info.splitRule).toMatch(/Rng\(0\)/);
    await expect(sculpt("data", "info", "mnist", "--root", join(tmp, "nothing"))).rejects.toThrow(
      join(tmp, "nothing", "train-images-idx3-ubyte"),
    );
  });
});
