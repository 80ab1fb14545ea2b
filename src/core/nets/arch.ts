/**
 * Network descriptions (paper Table 3) as plain data in the format of docs/ARCH_SCHEMA.md,
 * so `sculpt arch --json` can hand the exact network to the PyTorch reference benchmark.
 *
 * One symmetric convolutional family shared by every model, so comparisons are fair: k conv layers
 * (4×4, stride 2, 'same', ReLU) halving the image, a 256-unit dense layer, and a linear code layer;
 * the decoder mirrors it with transposed convolutions that reproduce the exact input size
 * (84 → 42 → 21 → 11 → 6 and back, cropping where a size is odd). No batch norm by default: the
 * paper's Table 3 does not list it, and it couples the codes of a batch, which MMD also does.
 * Depth = number of conv layers + 2 dense layers (the paper's "6 layers" = 4 conv + 2 dense).
 */
import { SculptError } from "../registry.js";

export type Activation = "relu" | "leaky_relu" | "sigmoid" | "tanh" | "elu" | "none";

export type LayerSpec =
  | {
      op: "conv2d";
      filters: number;
      kernel: number;
      stride: number;
      padding: "same" | "valid";
      batchNorm?: boolean;
      activation: Activation;
    }
  | {
      op: "conv2d_transpose";
      filters: number;
      kernel: number;
      stride: number;
      padding: "same";
      outputSize: [number, number];
      batchNorm?: boolean;
      activation: Activation;
    }
  | { op: "flatten" }
  | { op: "dense"; units: number; batchNorm?: boolean; activation: Activation }
  | { op: "reshape"; shape: [number, number, number] /* (C, H, W) as in ARCH_SCHEMA */ };

export interface ArchSpec {
  input: { channels: number; height: number; width: number };
  latentDim: number;
  reconstructionLoss: "bce_logits" | "mse";
  encoder: LayerSpec[];
  decoder: LayerSpec[];
}

export interface ArchOptions {
  /** Image shape [H, W, C]. */
  shape: readonly [number, number, number];
  latentDim: number;
  /** Channels of the conv layers, encoder order (its length is the number of conv layers). */
  channels: number[];
  hidden?: number;
  kernel?: number;
  /** Units of the encoder's last layer (2·d for Gaussian encoders); defaults to latentDim. */
  encoderOutputs?: number;
  /** Units of the decoder's input (2·d for DGAE's cos/sin embedding); defaults to latentDim. */
  decoderInputs?: number;
  reconstructionLoss?: "bce_logits" | "mse";
}

/** The symmetric conv autoencoder for an image shape. */
export function convAutoencoder(o: ArchOptions): ArchSpec {
  const [h, w, c] = o.shape;
  const k = o.kernel ?? 4;
  const hidden = o.hidden ?? 256;
  if (o.channels.length < 1) throw new SculptError("an architecture needs at least one conv layer", "use --depth 3 or more");
  const sizes: [number, number][] = [[h, w]];
  for (let i = 0; i < o.channels.length; i++) {
    const [ph, pw] = sizes[i];
    if (ph < 2 || pw < 2) throw new SculptError(`too many conv layers for a ${h}×${w} image`, `use a depth of at most ${i + 2}`);
    sizes.push([Math.ceil(ph / 2), Math.ceil(pw / 2)]);
  }
  const [fh, fw] = sizes[sizes.length - 1];
  const top = o.channels[o.channels.length - 1];
  const encoder: LayerSpec[] = [
    ...o.channels.map((f): LayerSpec => ({ op: "conv2d", filters: f, kernel: k, stride: 2, padding: "same", activation: "relu" })),
    { op: "flatten" },
    { op: "dense", units: hidden, activation: "relu" },
    { op: "dense", units: o.encoderOutputs ?? o.latentDim, activation: "none" },
  ];
  const decoderChannels = [...o.channels].reverse().slice(1).concat([c]);
  const decoder: LayerSpec[] = [
    { op: "dense", units: hidden, activation: "relu" },
    { op: "dense", units: fh * fw * top, activation: "relu" },
    { op: "reshape", shape: [top, fh, fw] },
    ...decoderChannels.map((f, i): LayerSpec => ({
      op: "conv2d_transpose",
      filters: f,
      kernel: k,
      stride: 2,
      padding: "same",
      outputSize: sizes[sizes.length - 2 - i],
      activation: i === decoderChannels.length - 1 ? "none" : "relu",
    })),
  ];
  return {
    input: { channels: c, height: h, width: w },
    latentDim: o.latentDim,
    reconstructionLoss: o.reconstructionLoss ?? "bce_logits",
    encoder,
    decoder,
  };
}

/** Default conv channels for a number of conv layers (widths double every two layers). */
export function defaultChannels(convLayers: number, base = 32): number[] {
  return Array.from({ length: convLayers }, (_, i) => base * 2 ** Math.floor(i / 2));
}
