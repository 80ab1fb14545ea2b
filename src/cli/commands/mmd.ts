/** `sculpt mmd A.npy B.npy [--kernel K] [--estimator biased|unbiased] --json` */
import type { Command } from "commander";
import {
  tf,
  assertFinite,
  createKernel,
  initBackend,
  mmd,
  readMatrix,
  Rng,
  SculptError,
  takeRows,
  toTensor,
  type Matrix,
} from "../../node/index.js";
import { intOption, parseNumber } from "../numbers.js";
import { printJson } from "../output.js";

export function mmdCommand(program: Command): void {
  program
    .command("mmd <a> <b>")
    .description("squared MMD between two sample sets (.npy, rows × dims)")
    .option("--kernel <k>", "rbf-mixture|rbf|imq|laplacian", "rbf-mixture")
    .option("--estimator <e>", "biased|unbiased", "biased")
    .option("--max-rows <n>", "subsample each set to at most n rows (MMD is O(n²) in memory)", "4000")
    .option("--seed <s>", "seed for the subsample", "0")
    .option("--json", "print JSON")
    .action(async (a: string, b: string, opts: { kernel: string; estimator: string; maxRows: string; seed: string; json?: boolean }) => {
      if (opts.estimator !== "biased" && opts.estimator !== "unbiased") {
        throw new SculptError(`unknown estimator '${opts.estimator}'`, "use biased or unbiased");
      }
      const kernel = createKernel(opts.kernel);
      // The unbiased estimator needs two rows of each set.
      const maxRows = parseNumber(opts.maxRows, "max-rows", { integer: true, min: 2 });
      const rng = new Rng(intOption(opts.seed, "seed"));
      const cap = (m: Matrix) => (m.rows > maxRows ? takeRows(m, rng.permutation(m.rows).subarray(0, maxRows)) : m);
      const [fullX, fullY] = [readMatrix(a), readMatrix(b)];
      assertFinite(fullX, a);
      assertFinite(fullY, b);
      const x = cap(fullX);
      const y = cap(fullY);
      await initBackend();
      const [xt, yt] = [toTensor(x), toTensor(y)];
      const { mmd2, sigma, bandwidth } = mmd(xt, yt, kernel, opts.estimator as "biased");
      // Async reads: a GPU backend cannot read synchronously (σ then stays on the device too).
      const [value, onDevice] = await Promise.all([mmd2.data(), sigma?.data()]);
      tf.dispose([xt, yt, mmd2, sigma ?? []]);
      const out = {
        mmd2: value[0],
        bandwidth: onDevice ? onDevice[0] : bandwidth,
        kernel: opts.kernel,
        estimator: opts.estimator,
        rows: [x.rows, y.rows],
      };
      if (opts.json) printJson(out);
      else console.log(`MMD² = ${out.mmd2} (σ = ${out.bandwidth}, ${out.kernel}, ${out.estimator})`);
    });
}
