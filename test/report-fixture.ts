/**
 * A small but valid run folder for report tests: codes drawn from the run's prior, images drawn
 * by a tiny analytic "decoder" (a blob whose position and size follow the first latents), the
 * reconstructions it gives for perturbed codes, and metrics computed from those codes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { matrix, type Matrix } from "../src/core/matrix.js";
import { Rng } from "../src/core/random.js";
import { covariance } from "../src/core/figures/stats.js";
import { writeJsonAtomic } from "../src/node/atomic.js";
import { writeMatrix, writeNpy } from "../src/node/npy-file.js";
import { loadPrior } from "../src/node/priors.js";

export const FAKE_SIZE = 16;

/** Codes → [n, 16, 16, 1] images in [0, 1]: a Gaussian blob placed by z1, z2 and sized by z3. */
export function blobDecode(z: Matrix): Float32Array {
  const s = FAKE_SIZE;
  const out = new Float32Array(z.rows * s * s);
  const squash = (v: number) => 1 / (1 + Math.exp(-v / 2));
  for (let i = 0; i < z.rows; i++) {
    const at = (j: number) => (j < z.cols ? z.data[i * z.cols + j] : 0);
    const cx = 2 + 12 * squash(at(0));
    const cy = 2 + 12 * squash(at(1));
    const r = 1 + 3 * squash(at(2));
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) out[(i * s + y) * s + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
  }
  return out;
}

export interface FakeRunOptions {
  dim?: number;
  prior?: string;
  n?: number;
  seed?: number;
  model?: string;
  dataset?: string;
  /** Noise added to codes before "reconstruction"; also shifts the metrics. */
  noise?: number;
  withMetrics?: boolean;
  /** Create model/decoder/ so the report tries traversals. */
  withDecoder?: boolean;
  name?: string;
}

export function writeFakeRun(dir: string, o: FakeRunOptions = {}): { codes: Matrix } {
  const dim = o.dim ?? 4;
  const priorSpec = o.prior ?? "hybrid[uniform(-3,3), gaussian(0,1), gmm(-2|2, 0.5), gaussian(0,2)]";
  const seed = o.seed ?? 0;
  const rng = new Rng(seed + 1);
  const prior = loadPrior(priorSpec, dim);
  const codes = prior.sample(o.n ?? 400, rng);
  mkdirSync(dir, { recursive: true });
  const config = {
    dataset: o.dataset ?? "xy",
    model: { kind: o.model ?? "ae-mmd", lambda: 0.3 },
    prior: priorSpec,
    latentDim: dim,
    epochs: 6,
    seed,
    ...(o.name ? { name: o.name } : {}),
  };
  writeJsonAtomic(join(dir, "config.json"), config);
  writeJsonAtomic(join(dir, "environment.json"), {
    sculpt: "0.1.0",
    node: process.version,
    tfjs: "4.22.0",
    backend: "cpu",
    backendNotes: ["test fixture"],
    cpu: "test",
    cores: 2,
    platform: process.platform,
    startedAt: "2025-01-01T00:00:00.000Z",
  });
  writeJsonAtomic(join(dir, "status.json"), { state: "done", epoch: 6, step: 60 });
  const history = Array.from({ length: 6 }, (_, e) => {
    const recon = 0.5 * Math.exp(-0.4 * e) + 0.05;
    const mmd = 0.2 * Math.exp(-1.2 * e) + 1e-4;
    return { epoch: e + 1, step: 10 * (e + 1), "loss/total": recon + 0.3 * mmd, "loss/recon": recon, "loss/mmd": mmd };
  });
  writeFileSync(join(dir, "history.jsonl"), history.map((h) => JSON.stringify(h)).join("\n") + "\n");
  writeMatrix(join(dir, "latents.npy"), codes);

  const k = 16;
  const noise = o.noise ?? 0.3;
  const first = matrix(k, dim, codes.data.slice(0, k * dim));
  const noisy = matrix(
    k,
    dim,
    Float32Array.from(first.data, (v) => v + noise * rng.normal()),
  );
  const inputs = blobDecode(first);
  const outputs = blobDecode(noisy);
  const recon = new Float32Array(inputs.length * 2);
  recon.set(inputs, 0);
  recon.set(outputs, inputs.length);
  writeNpy(join(dir, "recon.npy"), { dtype: "float32", shape: [2, k, FAKE_SIZE, FAKE_SIZE, 1], data: recon });

  if (o.withMetrics ?? true) {
    // Real values computed from the fixture: reconstruction error and code covariance.
    let se = 0;
    let energy = 0;
    for (let i = 0; i < inputs.length; i++) {
      se += (inputs[i] - outputs[i]) ** 2;
      energy += inputs[i] ** 2;
    }
    const cov = covariance(codes);
    let offDiag = 0;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) if (a !== b) offDiag = Math.max(offDiag, Math.abs(cov[a * dim + b]));
    // The layout `sculpt eval` writes: values by dotted key, skipped metrics with the reason, seconds per metric.
    writeJsonAtomic(join(dir, "metrics.json"), {
      values: {
        "nmse.linear": se / energy,
        "nmse.db": 10 * Math.log10(se / energy),
        "lps.gbdt": 1 / (1 + noise + dim / 10),
        "lps.gbdt.perDim": Array.from({ length: dim }, (_, j) => cov[j * dim + j] / (1 + cov[j * dim + j])),
        "dci.disentanglement": 1 - offDiag,
        "dci.completeness": 1 - offDiag / 2,
      },
      skipped: { mig: "needs ground-truth factors" },
      seconds: { lps: 0.5, nmse: 0.01, dci: 0.2 },
    });
  }
  if (o.withDecoder) mkdirSync(join(dir, "model", "decoder"), { recursive: true });
  return { codes };
}
