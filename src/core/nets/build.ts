/**
 * Build TensorFlow.js layers models from an ArchSpec (channels-last). Layers models serialise to
 * the TensorFlow.js format, so a run's encoder and decoder load in a browser unchanged.
 * Weights are initialised from explicit seeds, so the same config gives the same network.
 */
import * as tfl from "@tensorflow/tfjs-layers";
import type { Activation, ArchSpec, LayerSpec } from "./arch.js";
import { layerInit, type InitScheme } from "./init.js";

const ACTIVATIONS: Record<Exclude<Activation, "leaky_relu" | "none">, "relu" | "sigmoid" | "tanh" | "elu"> = {
  relu: "relu",
  sigmoid: "sigmoid",
  tanh: "tanh",
  elu: "elu",
};

function addLayers(model: tfl.Sequential, specs: LayerSpec[], seed: () => number, scheme: InitScheme): void {
  for (const s of specs) {
    const input = model.outputs[0].shape as number[]; // [null, …]
    const init = (fanIn: number) => layerInit(scheme, fanIn, seed);
    switch (s.op) {
      case "flatten":
        model.add(tfl.layers.flatten());
        continue;
      case "reshape":
        model.add(tfl.layers.reshape({ targetShape: [s.shape[1], s.shape[2], s.shape[0]] })); // (C,H,W) -> NHWC
        continue;
      case "dense":
        model.add(tfl.layers.dense({ units: s.units, ...init(input[1]) }));
        break;
      case "conv2d":
        model.add(
          tfl.layers.conv2d({
            filters: s.filters,
            kernelSize: s.kernel,
            strides: s.stride,
            padding: s.padding,
            ...init(input[3] * s.kernel * s.kernel),
          }),
        );
        break;
      case "conv2d_transpose": {
        model.add(
          tfl.layers.conv2dTranspose({
            filters: s.filters,
            kernelSize: s.kernel,
            strides: s.stride,
            padding: "same",
            ...init(s.filters * s.kernel * s.kernel), // PyTorch's ConvTranspose2d fan-in: out·k·k
          }),
        );
        // 'same' transposed conv gives in·stride; crop the extra row/column to reach an odd target size.
        const out = model.outputs[0].shape as number[]; // [null, H, W, C]
        const [dh, dw] = [out[1] - s.outputSize[0], out[2] - s.outputSize[1]];
        if (dh > 0 || dw > 0)
          model.add(
            tfl.layers.cropping2D({
              cropping: [
                [0, dh],
                [0, dw],
              ],
            }),
          );
        break;
      }
    }
    if (s.batchNorm) model.add(tfl.layers.batchNormalization());
    if (s.activation === "leaky_relu") model.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
    else if (s.activation !== "none") model.add(tfl.layers.activation({ activation: ACTIVATIONS[s.activation] }));
  }
}

/** The encoder and decoder (sculpt's own are Sequential; a user's may be any layers model). */
export interface Networks {
  encoder: tfl.LayersModel;
  decoder: tfl.LayersModel;
}

/**
 * Encoder [B,H,W,C] → [B, encoderOutputs]; decoder [B, decoderInputs] → logits [B,H,W,C].
 * `init` picks the weight initialisation (nets/init.ts); runs from before the option used glorot.
 */
export function buildNetworks(arch: ArchSpec, seed: number, decoderInputs: number, init: InitScheme = "torch"): Networks {
  let s = seed * 1000;
  const next = () => ++s;
  const encoder = tfl.sequential({ name: "encoder" });
  encoder.add(tfl.layers.inputLayer({ inputShape: [arch.input.height, arch.input.width, arch.input.channels] }));
  addLayers(encoder, arch.encoder, next, init);
  const decoder = tfl.sequential({ name: "decoder" });
  decoder.add(tfl.layers.inputLayer({ inputShape: [decoderInputs] }));
  addLayers(decoder, arch.decoder, next, init);
  return { encoder, decoder };
}
