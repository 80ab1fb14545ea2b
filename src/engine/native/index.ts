/**
 * The `native` TensorFlow.js backend: tfjs-backend-cpu's backend class (tensors are plain typed
 * arrays; ours recycles large ones) with every cpu kernel re-registered under the name 'native', and the heavy ones
 * (convolutions, matrix products) replaced by sculpt's oneDNN addon. The addon object comes from
 * the caller (src/node/native.ts loads it), so this folder never touches files.
 */
import * as tf from "../../core/tf.js";
import type { NativeAddon } from "./addon.js";
import { nativeKernelConfigs } from "./kernels.js";
import { defaultPoolBytes, NativeBackend } from "./backend.js";
import { dataMovementKernels } from "../cpu/data-movement.js";

export type { NativeAddon } from "./addon.js";
export { ConvKind, ACTIVATION_CODES, BINARY_CODES, UNARY_CODES, NATIVE_MIN_ELEMENTS } from "./addon.js";
export { nativeStats } from "./kernels.js";
export { defaultPoolBytes, NativeBackend } from "./backend.js";

export const NATIVE_BACKEND = "native";

/** Register the 'native' backend and its kernels once; later calls do nothing. */
export function registerNativeBackend(addon: NativeAddon): void {
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  // Data movement by contiguous runs (the decoder crop and its gradient), see engine/cpu.
  const own = [...nativeKernelConfigs(addon), ...dataMovementKernels(NATIVE_BACKEND)];
  const taken = new Set(own.map((k) => k.kernelName));
  for (const k of tf.getKernelsForBackend("cpu")) {
    if (!taken.has(k.kernelName)) tf.registerKernel({ ...k, backendName: NATIVE_BACKEND });
  }
  for (const k of own) tf.registerKernel(k);
  // Lowest priority: used only when asked for by name.
  const pool = defaultPoolBytes(addon.info().memoryBytes);
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(pool), -1);
}
