// In Node: the same, then a run folder as `sculpt train` writes it, with the same own networks.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateRun, initBackend, loadRun, trainRun } from "sculpt/node";
import { sculptDots, smallNetworks } from "./library-core.js";

await initBackend("cpu");
const { losses, values } = await sculptDots();
console.log(`ring prior: losses ${losses.map((l) => l.toFixed(3)).join(" → ")}, MIG ${values["mig.score"]}`);

const dir = join(mkdtempSync(join(tmpdir(), "sculpt-example-")), "run");
await trainRun(
  {
    dataset: "xy",
    model: "ae-mmd",
    prior: "uniform(-1,1)",
    latentDim: 2,
    epochs: 1,
    datasetOptions: { limit: 64 },
    evalLimit: 64,
  },
  { outDir: dir, backend: "cpu", networks: smallNetworks },
);
// `sculpt eval DIR`, `report` and `serve` read the folder the same way: config.json says network "custom".
const metrics = await evaluateRun(dir, { only: ["nmse", "fidelity"], backend: "cpu" });
const run = await loadRun(dir, "cpu");
const codes = await run.encode(new Float32Array(run.shape[0] * run.shape[1] * run.shape[2]), 1); // a blank image's code
run.dispose();
console.log(
  JSON.stringify({ losses, values, network: run.config.network, nmseDb: metrics.values["nmse.db"], blankCode: Array.from(codes.data) }),
);
