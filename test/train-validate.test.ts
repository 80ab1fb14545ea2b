/**
 * `trainRun` checks everything before it writes: a refused command leaves the folder as it found
 * it, `--out` never trains over a user's files, `--resume` refuses flags that contradict the stored
 * run, damaged config.json and checkpoints are refused by name, model and kernel options in the
 * spec grammar reach config.json and the loss, and a resumed epoch's history averages all its steps.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { validateSweepSpec } from "../src/core/sweep/spec.js";
import { writeRunConfig } from "../src/node/run-config.js";
import { planSweep } from "../src/node/sweep/plan.js";
import { ROOT } from "./helpers.js";
import { trainRun, type UserTrainConfig } from "../src/node/train.js";
import { loadRun } from "../src/node/run.js";
import { readMatrix, writeNpy } from "../src/node/npy-file.js";

const tiny: UserTrainConfig = {
  dataset: "xy",
  model: "ae-mmd",
  prior: "uniform(-1,1)",
  datasetOptions: { limit: 32 },
  convLayers: 2,
  channels: [4, 8],
  epochs: 1,
  batchSize: 16,
  seed: 3,
  evalLimit: 16,
};
const opts = (outDir: string) => ({ outDir, backend: "wasm" });
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : null);
const history = (dir: string) =>
  readFileSync(join(dir, "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, number>);

describe("trainRun validates, then writes", { timeout: 400_000 }, () => {
  it("leaves no folder behind for each kind of mistake, and an existing empty one empty", async () => {
    const root = mkdtempSync(join(tmpdir(), "sculpt-validate-"));
    const mistakes: [string, Partial<UserTrainConfig>, RegExp][] = [
      ["bad prior", { prior: "gmm(1|2" }, /bad prior spec at position 8/],
      ["prior/latent mismatch", { prior: "hybrid[gaussian, uniform, gaussian]" }, /3 dimensions but the latent size is 2/],
      ["missing empirical file", { prior: `empirical(${join(root, "missing.npy")})` }, /missing\.npy/],
      ["bad kernel", { kernel: "nope" }, /unknown kernel 'nope' at position 1/],
      ["bad kernel option", { kernel: "imq(scale=1)" }, /bad kernel spec at position 5: expected an option of imq: scales, sigma/],
      [
        "bad model option",
        { model: "beta-vae(bta=8)", prior: undefined },
        /bad model spec at position 10: expected an option of beta-vae: beta/,
      ],
      ["unknown data set", { dataset: "nope" }, /unknown dataset 'nope'/],
    ];
    for (const [name, change, message] of mistakes) {
      const dir = join(root, name.replace(/\W+/g, "-"));
      await expect(trainRun({ ...tiny, ...change }, opts(dir)), name).rejects.toThrow(message);
      expect(listing(dir), name).toBeNull();
    }
    // An existing empty folder stays empty; the corrected command then trains in it.
    const empty = join(root, "empty");
    mkdirSync(empty);
    await expect(trainRun({ ...tiny, prior: "gmm(1|2" }, opts(empty))).rejects.toThrow(/bad prior spec/);
    expect(listing(empty)).toEqual([]);
    await trainRun({ ...tiny, prior: "gmm(1|2)" }, opts(empty));
    const config = JSON.parse(readFileSync(join(empty, "config.json"), "utf8")) as Record<string, unknown>;
    // Stored resolved: the prior as its parsed config, its text kept for display.
    expect(config.priorSpec).toBe("gmm(1|2)");
    expect(config.prior).toMatchObject({ kind: "gmm" });
    const run = await loadRun(empty, "wasm");
    expect(run.prior.dim).toBe(2);
    run.dispose();
  });

  it("refuses to train over a folder holding other files, naming them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sculpt-out-"));
    writeNpy(join(dir, "latents.npy"), { dtype: "float32", shape: [1, 2], data: Float32Array.of(7, 8) });
    const before = readFileSync(join(dir, "latents.npy"));
    await expect(trainRun(tiny, opts(dir))).rejects.toThrow(/not empty \(it holds latents\.npy\)/);
    expect(readFileSync(join(dir, "latents.npy")).equals(before)).toBe(true);
    expect(listing(dir)).toEqual(["latents.npy"]);
  });

  it("loads a run folder whose config.json holds the prior's text (the format before this one)", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sculpt-old-")), "r");
    await trainRun(tiny, opts(dir));
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    expect(config.priorSpec).toBe("uniform(-1,1)");
    const old: Record<string, unknown> = { ...config, prior: config.priorSpec };
    delete old.priorSpec;
    writeFileSync(join(dir, "config.json"), JSON.stringify(old));
    // Written before checksums existed: no config.json.sha256.
    rmSync(join(dir, "config.json.sha256"));
    const run = await loadRun(dir, "wasm");
    expect(run.config.prior).toMatchObject({ kind: "uniform", low: -1, high: 1 });
    expect(run.config.priorSpec).toBe("uniform(-1,1)");
    run.dispose();
  });

  it("trains beta-vae(beta=8) with β = 8 in config.json and in the loss", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sculpt-beta-")), "r");
    await trainRun({ ...tiny, model: "beta-vae(beta=8)", prior: undefined }, opts(dir));
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { model: Record<string, unknown> };
    expect(config.model).toEqual({ kind: "beta-vae", beta: 8 });
    // Epoch means are linear: total = recon + β·kl holds for them too.
    const [h] = history(dir);
    expect(h["loss/kl"]).toBeGreaterThan(0);
    // The KL is divided by the pixel count, so it is small: compare the factor, not the sum (β = 4 by default).
    expect((h["loss/total"] - h["loss/recon"]) / h["loss/kl"]).toBeCloseTo(8, 0);
  });

  it("stores a kernel with options parsed, and trains with it", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sculpt-kernel-")), "r");
    await trainRun({ ...tiny, kernel: "imq(scales=0.1|1|10)" }, opts(dir));
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { model: Record<string, unknown> };
    expect(config.model.kernel).toEqual({ kind: "imq", scales: [0.1, 1, 10], sigma: "median" });
  });
});

describe("trainRun --resume", { timeout: 400_000 }, () => {
  it("refuses flags that conflict with the stored run, naming the stored value", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sculpt-conflict-")), "r");
    await trainRun(tiny, opts(dir));
    const resume = (u: Partial<UserTrainConfig>) => trainRun({ dataset: "", model: "", ...u }, { ...opts(dir), resume: true });
    await expect(resume({ model: "vae" })).rejects.toThrow(/--model vae conflicts with the run .* which has model ae-mmd/);
    await expect(resume({ dataset: "dsprites" })).rejects.toThrow(/--dataset dsprites conflicts .* has dataset xy/);
    await expect(resume({ latentDim: 5 })).rejects.toThrow(/--latent 5 conflicts .* has latent 2/);
    await expect(resume({ lr: 0.1 })).rejects.toThrow(/--lr 0.1 conflicts .* has lr 0.0005/);
    await expect(resume({ epochs: 9 })).rejects.toThrow(/--epochs 9 conflicts .* has epochs 1/);
    await expect(resume({ seed: 4 })).rejects.toThrow(/--seed 4 conflicts .* has seed 3/);
    await expect(resume({ prior: "gaussian" })).rejects.toThrow(/--prior gaussian conflicts .* has prior uniform\(-1,1\)/);
    // The same values are accepted.
    await resume({ model: "ae-mmd", dataset: "xy", seed: 3, epochs: 1, prior: "uniform(-1, 1)" });
  });

  it("refuses a changed config.json or a damaged checkpoint, naming the file", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sculpt-damage-")), "r");
    await trainRun(tiny, opts(dir));
    const resume = () => trainRun({ dataset: "", model: "" }, { ...opts(dir), resume: true });
    const configPath = join(dir, "config.json");
    const config = readFileSync(configPath, "utf8");
    writeFileSync(configPath, config.replace('"seed": 3', '"seed": 4'));
    await expect(resume()).rejects.toThrow(/config\.json does not match its checksum/);
    await expect(loadRun(dir, "wasm")).rejects.toThrow(/config\.json does not match its checksum/);
    writeFileSync(configPath, config.slice(0, 40));
    await expect(resume()).rejects.toThrow(/config\.json does not match its checksum/);
    writeFileSync(configPath, config);

    const ckptPath = join(dir, "checkpoint.bin");
    const ckpt = readFileSync(ckptPath);
    const flipped = Buffer.from(ckpt);
    flipped[flipped.length - 200] ^= 0xff; // a weight byte
    writeFileSync(ckptPath, flipped);
    await expect(resume()).rejects.toThrow(/checkpoint .*checkpoint\.bin is damaged/);
    await expect(loadRun(dir, "wasm")).rejects.toThrow(/checkpoint\.bin is damaged/);
    writeFileSync(ckptPath, ckpt.subarray(0, 100));
    await expect(resume()).rejects.toThrow(/checkpoint .*checkpoint\.bin is unreadable/);
    const status = readFileSync(join(dir, "status.json"), "utf8");
    expect(JSON.parse(status).state).toBe("done"); // the refused resume changed nothing
  });

  // ae-mmd: the paper's model; factor-vae: a model with its own (discriminator) optimiser.
  it.each([
    ["ae-mmd", "uniform(-1,1)", ["loss/total", "loss/recon", "loss/mmd"]],
    ["factor-vae", undefined, ["loss/total", "loss/tc", "loss/discriminator"]],
  ] as const)("resumes %s mid-epoch bit-identically, and the resumed epoch averages all its steps", async (model, prior, terms) => {
    // 8 steps an epoch, killed after step 5: Adam's β₂⁶ as accumulated differs from pow(β₂, 6) in float32.
    const long: UserTrainConfig = { ...tiny, model, prior, batchSize: 4, epochs: 1.5, checkpointEvery: 1 };
    const root = mkdtempSync(join(tmpdir(), "sculpt-bitwise-"));
    const whole = join(root, "whole");
    const split = join(root, "split");
    await trainRun(long, opts(whole));
    const stop = new AbortController();
    await expect(
      trainRun(long, { ...opts(split), signal: stop.signal, reporters: [{ onStepEnd: (s) => s.step === 5 && stop.abort() }] }),
    ).rejects.toThrow(/interrupted/);
    await trainRun({ dataset: "", model: "" }, { ...opts(split), resume: true });
    expect(Array.from(readMatrix(join(split, "latents.npy")).data)).toEqual(Array.from(readMatrix(join(whole, "latents.npy")).data));
    const [a, b] = [history(whole), history(split)];
    expect(b.map((r) => r.step)).toEqual([8, 12]);
    for (const k of [...terms, "codes/relvar_min", "codes/relvar_max"]) {
      expect(b[0][k], k).toBe(a[0][k]);
      expect(b[1][k], k).toBe(a[1][k]);
    }
  });
});

const exec = promisify(execFile);
const cli = (...args: string[]) =>
  exec(process.execPath, ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv))", "sculpt", ...args], {
    cwd: ROOT,
  });
const refusal = (args: string[]) =>
  cli(...args).then(
    () => ({ code: 0, stderr: "" }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

describe("sculpt train on the command line", { timeout: 400_000 }, () => {
  const sculpt = (...args: string[]) => buildProgram().parseAsync(["node", "sculpt", ...args]);

  it("exits 2 with a positioned message and no folder for a bad prior, kernel or model option", async () => {
    const d = join(mkdtempSync(join(tmpdir(), "sculpt-cli-train-")), "D");
    const base = ["train", "--dataset", "xy", "--limit", "32", "--depth", "2", "--epochs", "0.5", "--batch", "16", "--out", d];
    // Through the real command line once (the exit status); the others in-process.
    const r = await refusal([...base, "--model", "ae-mmd", "--prior", "gmm(1|2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad prior spec at position 8[^]*gmm\(1\|2\n\s+\^/);
    expect(existsSync(d)).toBe(false);
    for (const [flags, message] of [
      [["--model", "ae-mmd", "--kernel", "nope"], /unknown kernel 'nope' at position 1/],
      [["--model", "beta-vae(bta=8)"], /bad model spec at position 10: expected an option of beta-vae: beta/],
    ] as const) {
      await expect(sculpt(...base, ...flags), flags.join(" ")).rejects.toThrow(message);
      expect(existsSync(d)).toBe(false);
    }
    // The corrected command then runs in D.
    await sculpt(...base, "--model", "beta-vae(beta=8)", "--json");
    expect(JSON.parse(readFileSync(join(d, "config.json"), "utf8")).model).toEqual({ kind: "beta-vae", beta: 8 });
  });

  it("trains an npy data set given by --root", async () => {
    const root = mkdtempSync(join(tmpdir(), "sculpt-cli-root-"));
    writeNpy(join(root, "images.npy"), {
      dtype: "float32",
      shape: [32, 8, 8, 1],
      data: Float32Array.from({ length: 32 * 64 }, (_, i) => (i % 7) / 7),
    });
    const d = join(root, "run");
    await sculpt(
      "train",
      "--dataset",
      "npy",
      "--root",
      root,
      "--model",
      "ae",
      "--latent",
      "2",
      "--channels",
      "4,4",
      "--epochs",
      "1",
      "--batch",
      "8",
      "--out",
      d,
      "--json",
    );
    expect(JSON.parse(readFileSync(join(d, "config.json"), "utf8")).datasetOptions).toEqual({ root });
    expect(JSON.parse(readFileSync(join(d, "status.json"), "utf8")).state).toBe("done");
  });
});

describe("trainRun data options", { timeout: 400_000 }, () => {
  it("trains an npy data set from its root", async () => {
    const root = mkdtempSync(join(tmpdir(), "sculpt-root-"));
    const n = 32;
    const images = Float32Array.from({ length: n * 8 * 8 }, (_, i) => (i % 7) / 7);
    writeNpy(join(root, "images.npy"), { dtype: "float32", shape: [n, 8, 8, 1], data: images });
    const dir = join(root, "run");
    await trainRun(
      { dataset: "npy", model: "ae", datasetOptions: { root }, latentDim: 2, channels: [4, 4], epochs: 1, batchSize: 4, evalLimit: 4 },
      opts(dir),
    );
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).datasetOptions).toEqual({ root });
    expect(JSON.parse(readFileSync(join(dir, "status.json"), "utf8")).state).toBe("done");
  });
});

describe("model options in sweep files", { timeout: 400_000 }, () => {
  it("plans and trains beta-vae(beta=4) and beta-vae(beta=8) as two runs", async () => {
    const spec = validateSweepSpec({
      name: "betas",
      seeds: 1,
      grid: { dataset: ["xy"], model: ["beta-vae(beta=4)", "beta-vae(beta=8)"] },
      settings: { datasetOptions: { limit: 32 }, channels: [4, 8], epochs: 1, batchSize: 16, evalLimit: 16 },
    });
    const runs = await planSweep(spec);
    expect(runs.map((r) => r.coords.model)).toEqual(["beta-vae(beta=4)", "beta-vae(beta=8)"]);
    const root = mkdtempSync(join(tmpdir(), "sculpt-sweep-betas-"));
    for (const [i, run] of runs.entries()) {
      const dir = join(root, run.id);
      // As the sweep runner does (execute.ts): the planned config first, then train with resume.
      mkdirSync(dir);
      writeRunConfig(dir, run.config);
      await trainRun({ dataset: "", model: "" }, { ...opts(dir), resume: true });
      const beta = [4, 8][i];
      expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).model).toEqual({ kind: "beta-vae", beta });
      const [h] = history(dir);
      expect((h["loss/total"] - h["loss/recon"]) / h["loss/kl"]).toBeCloseTo(beta, 0);
    }
  });
});
