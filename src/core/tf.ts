/**
 * The TensorFlow.js entry point for sculpt's code. Gradient definitions are registered by the
 * environment entry (src/node/backend.ts, or the dashboard bundle) importing `@tensorflow/tfjs`,
 * because tfjs-core's Node build does not carry them.
 */
export * from "@tensorflow/tfjs-core";
