/**
 * `npm run bench -- train-demo`: does the Train view's default form spread the codes over the
 * prior within a short demo? Trains the form's defaults (src/web/train/config.ts DEFAULT_FORM) with
 * the page's TrainSession in Node for BENCH_DEMO_STEPS steps (default 300) and prints, every
 * BENCH_DEMO_EVERY steps (50), the largest KS distance of the figure codes to the prior (what the
 * page shows) and each code dimension's std beside the prior's. BENCH_DEMO_FORM takes JSON
 * overrides of the form (e.g. '{"lr":0.001}') to compare candidates; SCULPT_BACKEND picks Node's backend.
 */
import { initBackend } from "../src/node/backend.js";
import { createPrior } from "../src/core/priors/index.js";
import { Rng } from "../src/core/random.js";
import { DEFAULT_FORM, datasetSize, formConfig, type TrainForm } from "../src/web/train/config.js";
import { fidelityReading } from "../src/web/train/figures.js";
import { TrainSession } from "../src/web/train/session.js";

const STEPS = Number(process.env.BENCH_DEMO_STEPS ?? 300);
const EVERY = Number(process.env.BENCH_DEMO_EVERY ?? 50);

function std(data: ArrayLike<number>, cols: number, j: number): number {
  const n = data.length / cols;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s += data[i * cols + j];
    s2 += data[i * cols + j] ** 2;
  }
  return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
}

export async function run(): Promise<unknown> {
  const backend = await initBackend();
  const form: TrainForm = { ...DEFAULT_FORM, ...(JSON.parse(process.env.BENCH_DEMO_FORM ?? "{}") as Partial<TrainForm>), steps: STEPS };
  const config = formConfig(form, (await datasetSize(form)).size);
  const prior = createPrior(form.prior, { dim: form.latentDim });
  const ps = prior.sample(4096, new Rng(0));
  const priorStd = Array.from({ length: ps.cols }, (_, j) => Number(std(ps.data, ps.cols, j).toFixed(3)));
  const frames: { step: number; ksMax: number; codeStd: number[]; loss: number }[] = [];
  let loss = NaN;
  let rate = 0;
  const t0 = performance.now();
  const session = new TrainSession(
    {
      step: (s) => {
        loss = s.terms["loss/total"];
        rate = s.stepsPerSecond;
      },
      figures: (f) => {
        const codes = { rows: f.codes.rows, cols: f.codes.cols, data: f.codes.data };
        const r = fidelityReading(codes, prior);
        const codeStd = Array.from({ length: codes.cols }, (_, j) => Number(std(codes.data, codes.cols, j).toPrecision(3)));
        frames.push({ step: f.step, ksMax: Number(r.ksMax.toFixed(3)), codeStd, loss: Number(loss.toPrecision(4)) });
        console.error(`bench train-demo: step ${f.step} KS ${r.ksMax.toFixed(3)} std ${codeStd.join(", ")}`);
      },
    },
    { figureEvery: EVERY },
  );
  await session.run(config);
  session.dispose();
  return {
    backend: backend.name,
    form,
    priorStd,
    frames,
    stepsPerSecond: Number(rate.toFixed(2)),
    seconds: Math.round((performance.now() - t0) / 1000),
  };
}
