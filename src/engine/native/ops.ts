/**
 * The native addon's op codes: the one table C++ and TypeScript share. native/ops.h is generated
 * from it (`npm run gen:native-ops`; src/engine/native/ops.test.ts fails when the header is stale),
 * so a code cannot mean one thing in sculpt_native and another here.
 */

/** oneDNN convolution directions (`conv`'s first argument). */
export const ConvKind = { forward: 0, backwardData: 1, backwardWeights: 2 } as const;

/** Binary op codes of the addon's `binary`. */
export const BINARY_CODES = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, SquaredDifference: 4, Maximum: 5, Minimum: 6 } as const;

/** Unary op codes of the addon's `unary` (same formulas as tfjs-backend-cpu). */
export const UNARY_CODES = {
  Relu: 0,
  Step: 1,
  Neg: 2,
  Exp: 3,
  Log: 4,
  Log1p: 5,
  Sqrt: 6,
  Rsqrt: 7,
  Square: 8,
  Abs: 9,
  Sigmoid: 10,
  Tanh: 11,
  Elu: 12,
  LeakyRelu: 13,
  Relu6: 14,
  Reciprocal: 15,
} as const;

/** Activation codes the addon fuses after a convolution or a matrix product. */
export const ACTIVATION_CODES = { linear: 0, relu: 1, relu6: 2, elu: 3, sigmoid: 4, leakyrelu: 5 } as const;

const TABLES = { conv_kind: ConvKind, binary_op: BINARY_CODES, unary_op: UNARY_CODES, activation: ACTIVATION_CODES };

/** native/ops.h: each table as a C++ namespace of constants. */
export function opsHeader(): string {
  const blocks = Object.entries(TABLES).map(
    ([ns, table]) =>
      `namespace ${ns} {\n${Object.entries(table)
        .map(([name, code]) => `constexpr int ${name} = ${code};`)
        .join("\n")}\n}  // namespace ${ns}\n`,
  );
  return [
    "// Generated from src/engine/native/ops.ts by `npm run gen:native-ops`; do not edit.",
    "#pragma once",
    "",
    "namespace sculpt {",
    "namespace ops {",
    "",
    blocks.join("\n"),
    "}  // namespace ops",
    "}  // namespace sculpt",
    "",
  ].join("\n");
}
