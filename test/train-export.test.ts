/**
 * A run exported from the Train view, as its zip unpacked by a user, is read by `sculpt report`
 * (writeReport) and `sculpt serve` (the catalog, the run API, its files): a finished run on
 * XY, one exported while paused, and one trained on images from disk (a .npy the report cannot
 * reopen: the data section says so). The session is the one the page's worker
 * runs; the zip is the worker's (runZip).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inMemoryDataset } from "../src/core/data/in-memory.js";
import { writeReport } from "../src/node/report/index.js";
import { startServer, type RunningServer } from "../src/node/serve/server.js";
import type { CatalogResponse, RunDetail } from "../src/web/api-types.js";
import { DEFAULT_FORM, formConfig } from "../src/web/train/config.js";
import { runZip } from "../src/web/train/run-files.js";
import { TrainSession } from "../src/web/train/session.js";
import { useBackend } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "sculpt-train-export-"));
const root = join(tmp, "runs");
let server: RunningServer;

/** Unpack a zip into `root` as a user would: its top folder becomes the run folder. */
function unpack(zip: Uint8Array): string {
  const files = unzipSync(zip);
  for (const [name, bytes] of Object.entries(files)) {
    if (name.endsWith("/")) continue;
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), bytes);
  }
  return Object.keys(files)[0].split("/")[0];
}

const form = { ...DEFAULT_FORM, limit: 48, channels: [4, 4], batchSize: 16, steps: 6, lr: 2e-3, prior: "uniform(-1, 1)" };
const env = { sculpt: "browser", backend: "wasm" };

beforeAll(async () => {
  await useBackend("wasm");
  // Finished on XY, with a pause at step 3 exported on the way.
  let paused: Promise<string> | null = null;
  const s: TrainSession = new TrainSession({
    step: (r) => r.step === 3 && s.pause(),
    paused: () => {
      paused = s.exportFiles(env).then((files) => {
        s.resume();
        return unpack(runZip("paused-xy", files));
      });
    },
  });
  expect(await s.run(formConfig(form, 48))).toBe("done");
  unpack(runZip("done-xy", await s.exportFiles(env)));
  expect(await paused).toBe("paused-xy");
  s.dispose();
  // Trained on 40 images from disk (float32, 32×32).
  const images = new Float32Array(40 * 32 * 32);
  for (let n = 0; n < 40; n++) images.fill(1, n * 1024 + n * 20, n * 1024 + n * 20 + 100);
  const file = { dataset: "npy", root: "blobs.npy" };
  const d = new TrainSession();
  expect(
    await d.run(formConfig({ ...form, dataset: "file", limit: 0 }, 40, file), undefined, inMemoryDataset({ shape: [32, 32, 1], images })),
  ).toBe("done");
  unpack(runZip("done-npy", await d.exportFiles(env)));
  d.dispose();
  const staticDir = join(tmp, "static");
  mkdirSync(staticDir);
  for (const f of ["index.html", "app.js", "app.css"]) writeFileSync(join(staticDir, f), "");
  server = await startServer({ root, port: 0, staticDir });
}, 240_000);

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a run exported from the Train view", () => {
  it("sculpt report renders it: finished, paused, and on images from disk", { timeout: 240_000 }, async () => {
    for (const name of ["done-xy", "paused-xy", "done-npy"]) {
      const warnings: string[] = [];
      const r = await writeReport({ run: join(root, name), onWarning: (m) => warnings.push(m) });
      expect(r.out).toBe(join(root, name, "report.html"));
      expect(r.bytes).toBeGreaterThan(10_000);
      expect(r.sections).toEqual(["overview", "data", "training", "metrics", "latents", "reconstructions", "traversals"]);
      expect(warnings).toEqual([]);
      const html = readFileSync(r.out, "utf8");
      // The data preview needs the set's files: for images from disk, the file named in the config.
      if (name === "done-npy") expect(html).toMatch(/The data set could not be opened: [^<]*blobs\.npy/);
      else expect(html).toContain("training images of xy");
    }
  });

  it("sculpt serve lists it and gives its config, history, status and files", async () => {
    const get = async (path: string) => {
      const res = await fetch(new URL(path, server.url));
      expect(res.status, path).toBe(200);
      return res;
    };
    const cat = (await (await get("/api/catalog")).json()) as CatalogResponse;
    expect(cat.runs.map((r) => [r.id, r.dataset, r.state]).sort()).toEqual([
      ["done-npy", "npy", "done"],
      ["done-xy", "xy", "done"],
      ["paused-xy", "xy", "running"],
    ]);
    const paused = (await (await get("/api/run?id=paused-xy")).json()) as RunDetail;
    expect(paused.config).toMatchObject({ dataset: "xy", latentDim: 2, prior: "uniform(-1, 1)" });
    expect(paused.status).toMatchObject({ state: "running", step: 3, message: "paused in the browser at step 3" });
    const done = (await (await get("/api/run?id=done-xy")).json()) as RunDetail;
    expect(done.history.length).toBeGreaterThan(0);
    expect(done.history[0]).toHaveProperty("loss/total");
    expect((await (await get("/files/done-xy/latents.npy")).arrayBuffer()).byteLength).toBe(128 + 48 * 2 * 4);
  });
});
