/**
 * What a model (objective) is: small loss hooks around one fixed training step (disent's design).
 * Shared code never branches on a model's name: capabilities (extra variables, an auxiliary
 * update, use of the programmable prior) are optional members.
 */
import type * as tf from "../tf.js";
import type { z } from "zod";
import type { Networks } from "../nets/build.js";
import type { InitScheme } from "../nets/init.js";
import type { Prior } from "../priors/types.js";
import type { Rng } from "../random.js";

export interface StepInputs {
  /** Images in [0, 1], [B, H, W, C]. */
  x: tf.Tensor4D;
  nets: Networks;
  /** This step's generator (prior samples, noise); derived from (seed, step) so resume is exact. */
  rng: Rng;
  prior: Prior;
}

export interface LossOutput {
  total: tf.Scalar;
  /** Namespaced terms, e.g. "loss/recon", "loss/mmd"; they are logged each epoch. */
  terms: Record<string, tf.Scalar>;
  /** This batch's representation [B, d] (encoder mean), for collapse monitoring. */
  codes: tf.Tensor2D;
}

export interface ModelContext {
  latentDim: number;
  /** H·W·C: VAE-family KL terms are divided by it, because reconstruction is a per-pixel mean. */
  numPixels: number;
  datasetSize: number;
  reconstruction: "bce_logits" | "mse";
  seed: number;
  /** Weight initialisation of the model's own layers (FactorVAE's discriminator), as the networks'. */
  init: InitScheme;
  /** Adam's ε for the model's own optimiser (FactorVAE's discriminator), as the networks'. */
  adamEpsilon: number;
}

export interface ModelInstance {
  readonly encoderOutputs: number;
  readonly decoderInputs: number;
  /** Extra trainable variables (e.g. DGAE's stretch scale and shift). */
  readonly variables: tf.Variable[];
  /** Extra non-trainable state kept in checkpoints (e.g. moving statistics). */
  readonly state: tf.Variable[];
  loss(input: StepInputs): LossOutput;
  /** Encoder output → representation used for evaluation (the encoder mean), [B, d]. */
  represent(encoded: tf.Tensor2D): tf.Tensor2D;
  /** Latent code → decoder input (identity except for embeddings such as DGAE's cos/sin). */
  decoderInput(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * Runs after each optimiser step, outside its gradient (e.g. FactorVAE's discriminator); async
   * so that it reads tensors with `await data()`, which every backend supports.
   */
  afterStep?(codes: tf.Tensor2D, rng: Rng): Promise<Record<string, number>>;
  /** Auxiliary trainable state to checkpoint (e.g. the discriminator and its optimiser). */
  auxiliaryWeights?(): tf.Variable[];
  /** Auxiliary optimisers whose state a checkpoint keeps, so a resumed run continues exactly. */
  auxiliaryOptimizers?(): tf.Optimizer[];
  dispose(): void;
}

export interface ModelConfig {
  kind: string;
  [field: string]: unknown;
}

export interface ModelEntry<C extends ModelConfig = ModelConfig> {
  description: string;
  schema: z.ZodType<C>;
  /** True when the model is pushed toward the user's programmable prior. */
  usesPrior: boolean;
  /**
   * The prior spec a model without `usesPrior` still pushes its codes toward ("gaussian" for the
   * VAE family's N(0, I)); absent when its objective has none (plain AE, DGAE), so reports draw
   * such codes without a prior and traverse their own range.
   */
  fixedPrior?: string;
  create(config: C, ctx: ModelContext): ModelInstance;
}
