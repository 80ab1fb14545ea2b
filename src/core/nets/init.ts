/**
 * Weight initialisation schemes, so a network starts where the same network would in PyTorch.
 *
 * `torch` (the default) is PyTorch's for Linear, Conv2d and ConvTranspose2d: weights
 * kaiming_uniform(a = √5), i.e. U(±1/√fan_in), and biases U(±1/√fan_in). fan_in is the layer's
 * inputs per output: dense `in`, conv `in·k·k`; for a transposed conv PyTorch takes it from
 * weight.size(1)·k·k = out·k·k, which is also what tfjs-layers computes from its [k, k, out, in]
 * kernel (its fan-in is the second-to-last axis times the window), so the kernel initialiser
 * below needs no special case. `glorot` is Keras' default (Glorot-uniform weights, zero biases),
 * which every run before this option was trained with.
 */
import * as tfl from "@tensorflow/tfjs-layers";

export type InitScheme = "torch" | "glorot";
export const INIT_SCHEMES = ["torch", "glorot"] as const;

export interface LayerInit {
  kernelInitializer: ReturnType<typeof tfl.initializers.glorotUniform>;
  biasInitializer?: ReturnType<typeof tfl.initializers.glorotUniform>;
}

/**
 * Initialisers for one layer with `fanIn` inputs per output. `seed()` gives the next seed: glorot
 * draws one (as before, so old runs rebuild identically), torch two (kernel, bias).
 */
export function layerInit(scheme: InitScheme, fanIn: number, seed: () => number): LayerInit {
  if (scheme === "glorot") return { kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }) };
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  return {
    // scale 1/3, fan-in, uniform: limit √(3·scale/fan_in) = 1/√fan_in, as kaiming_uniform(a = √5).
    kernelInitializer: tfl.initializers.varianceScaling({ scale: 1 / 3, mode: "fanIn", distribution: "uniform", seed: seed() }),
    biasInitializer: tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
  };
}
