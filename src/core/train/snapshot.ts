/** A Trainable's full state to and from a Checkpoint (weights, model state, optimiser moments). */
import * as tf from "../tf.js";
import { SculptError } from "../registry.js";
import type { Checkpoint, NamedArray } from "./checkpoint.js";
import type { Trainable } from "./setup.js";

/** Every tensor a checkpoint holds, in a fixed order with group-prefixed names. */
function stateTensors(t: Trainable): { name: string; tensor: tf.Tensor }[] {
  const named = (prefix: string, ts: tf.Tensor[]) => ts.map((tensor, i) => ({ name: `${prefix}/${i}`, tensor }));
  return [
    ...named("encoder", t.nets.encoder.getWeights()),
    ...named("decoder", t.nets.decoder.getWeights()),
    ...named("model", t.model.variables),
    ...named("state", t.model.state),
    ...named("aux", t.model.auxiliaryWeights?.() ?? []),
  ];
}

/**
 * Adam's running powers β₁ᵗ⁺¹ and β₂ᵗ⁺¹. TensorFlow.js's getWeights leaves them out and setWeights
 * recomputes them with pow(), which differs in the last float32 bit from the product the steps
 * accumulated (the source of resumed runs drifting by ~1e-6); a checkpoint keeps them exactly.
 */
interface AdamPowers {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}
const adamPowers = (opt: tf.Optimizer): tf.Variable[] => {
  const o = opt as unknown as Partial<AdamPowers>;
  return o.accBeta1 && o.accBeta2 ? [o.accBeta1, o.accBeta2] : [];
};

/** The run's optimisers with their checkpoint name prefixes: the main one, then the model's own. */
const optimizers = (t: Trainable): [string, tf.Optimizer][] => [
  ["optimizer", t.optimizer],
  ...(t.model.auxiliaryOptimizers?.() ?? []).map((o, k): [string, tf.Optimizer] => [`aux-optimizer-${k}`, o]),
];

async function optimizerTensors(prefix: string, opt: tf.Optimizer): Promise<{ name: string; tensor: tf.Tensor }[]> {
  return [
    ...(await opt.getWeights()).map((w, i) => ({ name: `${prefix}/${i}`, tensor: w.tensor as tf.Tensor })),
    ...adamPowers(opt).map((tensor, i) => ({ name: `${prefix}-powers/${i}`, tensor: tensor as tf.Tensor })),
  ];
}

async function restoreOptimizer(prefix: string, opt: tf.Optimizer, c: Checkpoint): Promise<void> {
  const weights = c.arrays.filter((a) => a.name.startsWith(`${prefix}/`));
  if (weights.length === 0) return;
  await opt.setWeights(weights.map((a) => ({ name: a.name, tensor: tf.tensor(a.data, a.shape) })));
  // After setWeights, which overwrote them with pow() (see adamPowers); absent in older checkpoints.
  adamPowers(opt).forEach((v, i) => {
    const a = c.arrays.find((x) => x.name === `${prefix}-powers/${i}`);
    if (a) tf.tidy(() => v.assign(tf.tensor(a.data, a.shape)));
  });
}

export async function snapshot(
  t: Trainable,
  epoch: number,
  step: number,
  stepInEpoch: number,
  meta?: Record<string, unknown>,
): Promise<Checkpoint> {
  const named = [...stateTensors(t)];
  for (const [prefix, opt] of optimizers(t)) named.push(...(await optimizerTensors(prefix, opt)));
  // All reads in flight at once: on a GPU each is a round trip.
  const values = await Promise.all(named.map(({ tensor }) => tensor.data()));
  const arrays: NamedArray[] = named.map(({ name, tensor }, i) => ({
    name,
    shape: tensor.shape,
    // The iteration counts are int32: stored as float32, exact below 2^24 steps.
    data: values[i] instanceof Float32Array ? values[i] : Float32Array.from(values[i]),
  }));
  return { epoch, step, stepInEpoch, arrays, ...(meta ? { meta } : {}) };
}

/** Load weights (and optimiser state when present) from a checkpoint into a fresh Trainable. */
export async function restore(t: Trainable, c: Checkpoint): Promise<void> {
  const own = stateTensors(t);
  const byName = new Map(c.arrays.map((a) => [a.name, a]));
  for (const { name, tensor } of own) {
    const a = byName.get(name);
    if (!a || a.data.length !== tensor.size) {
      throw new SculptError(`checkpoint does not match this network (${name})`, "resume with the same config, or start a new run folder");
    }
  }
  const load = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const a = byName.get(`${prefix}/${i}`)!;
      return tf.tensor(a.data, a.shape);
    });
  const setLayers = (m: { setWeights(w: tf.Tensor[]): void; getWeights(): tf.Tensor[] }, prefix: string) => {
    const ws = load(prefix, m.getWeights().length);
    m.setWeights(ws);
    tf.dispose(ws);
  };
  setLayers(t.nets.encoder, "encoder");
  setLayers(t.nets.decoder, "decoder");
  for (const [prefix, vars] of [
    ["model", t.model.variables],
    ["state", t.model.state],
    ["aux", t.model.auxiliaryWeights?.() ?? []],
  ] as const) {
    const ws = load(prefix, vars.length);
    vars.forEach((v, i) => v.assign(ws[i]));
    tf.dispose(ws);
  }
  for (const [prefix, opt] of optimizers(t)) await restoreOptimizer(prefix, opt, c);
}
