/**
 * Fast kernels for the wasm backend, so ordinary tfjs ops and layers train unchanged: a
 * Conv2DBackpropFilter (the backend has none, so conv layers could not train) and a
 * Conv2DBackpropInput that replaces the built-in scalar loop. They compose the backend's own
 * XNNPACK Conv2D and Transpose kernels, and the filter gradient also has a wasm SIMD kernel of
 * its own (simd.ts) run on the backend's memory. Nothing is registered on import: call
 * `registerWasmKernels()` after importing `@tensorflow/tfjs-backend-wasm`; calling it again is a no-op.
 */
import * as tf from "../../core/tf.js";
import { SculptError } from "../../core/registry.js";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputConfig, keepBuiltinConv2dBackpropInput } from "./conv2d-backprop-input.js";

const KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig, conv2dBackpropInputConfig];

export function registerWasmKernels(): void {
  for (const name of ["Conv2D", "Transpose"]) {
    if (!tf.getKernel(name, "wasm")) {
      throw new SculptError(`the wasm backend's '${name}' kernel is not registered`, "import '@tensorflow/tfjs-backend-wasm' first");
    }
  }
  for (const config of KERNELS) {
    const current = tf.getKernel(config.kernelName, "wasm");
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current) {
      if (config === conv2dBackpropInputConfig) keepBuiltinConv2dBackpropInput(current);
      tf.unregisterKernel(config.kernelName, "wasm");
    }
    tf.registerKernel(config);
  }
}
