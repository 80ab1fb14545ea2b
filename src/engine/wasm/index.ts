/**
 * Fast kernels registered for the wasm backend so ordinary tfjs ops and layers train unchanged.
 * (Filled in by the wasm-kernels work: Conv2DBackpropFilter and a fast Conv2DBackpropInput.)
 */
export function registerWasmKernels(): void {}
