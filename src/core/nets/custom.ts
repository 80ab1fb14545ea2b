/**
 * A user's own encoder and decoder in place of the data set's default network: each a tfjs-layers
 * model, or a list of layers stacked after an input of the size the model needs. Checked against
 * what the model needs (the encoder's outputs: d codes, or 2d for a VAE's means and log-variances;
 * the decoder's inputs; images of the data's shape out, as logits for the default BCE loss).
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { SculptError } from "../registry.js";
import type { Networks } from "./build.js";

/** What the networks must fit. */
export interface NetworkNeeds {
  /** Image shape [height, width, channels]. */
  shape: readonly [number, number, number];
  latentDim: number;
  /** Encoder outputs per image (latentDim, or 2·latentDim for a VAE). */
  encoderOutputs: number;
  /** Decoder inputs per code (latentDim, more for models that feed it extra units). */
  decoderInputs: number;
}

/** A network: a tfjs-layers model, or layers to stack in order. */
export type NetworkSource = tfl.LayersModel | tfl.layers.Layer[];

/** Both networks, or a function building them from what the model needs. */
export type CustomNetworks =
  { encoder: NetworkSource; decoder: NetworkSource } | ((needs: NetworkNeeds) => { encoder: NetworkSource; decoder: NetworkSource });

function asModel(source: NetworkSource, name: string, inputShape: number[]): tfl.LayersModel {
  if (!Array.isArray(source)) return source;
  return tfl.sequential({ name, layers: [tfl.layers.inputLayer({ inputShape }), ...source] });
}

function check(model: tfl.LayersModel, what: string, input: number[], output: number[]): void {
  const shape = (s: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => (Array.isArray(s) ? s.map((t) => t.shape) : [s.shape]);
  const [inShape] = shape(model.inputs);
  const outs = shape(model.outputs);
  const same = (a: (number | null)[], b: number[]) => a.length === b.length + 1 && b.every((v, i) => a[i + 1] === v);
  if (model.inputs.length !== 1 || outs.length !== 1 || !same(inShape, input) || !same(outs[0], output))
    throw new SculptError(
      `the ${what} maps [${inShape.slice(1)}] to [${outs.map((o) => o.slice(1)).join("; ")}], but this model needs [${input}] → [${output}]`,
      "build it for these sizes (pass a function of the needs to get them)",
    );
}

/** The user's networks as the training loop uses them, checked against `needs`. */
export function userNetworks(custom: CustomNetworks, needs: NetworkNeeds): Networks {
  const given = typeof custom === "function" ? custom(needs) : custom;
  const image = [...needs.shape];
  const encoder = asModel(given.encoder, "encoder", image);
  const decoder = asModel(given.decoder, "decoder", [needs.decoderInputs]);
  check(encoder, "encoder", image, [needs.encoderOutputs]);
  check(decoder, "decoder", [needs.decoderInputs], image);
  return { encoder, decoder };
}
