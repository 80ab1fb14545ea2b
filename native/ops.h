// Generated from src/engine/native/ops.ts by `npm run gen:native-ops`; do not edit.
#pragma once

namespace sculpt {
namespace ops {

namespace conv_kind {
constexpr int forward = 0;
constexpr int backwardData = 1;
constexpr int backwardWeights = 2;
}  // namespace conv_kind

namespace binary_op {
constexpr int Add = 0;
constexpr int Sub = 1;
constexpr int Multiply = 2;
constexpr int RealDiv = 3;
constexpr int SquaredDifference = 4;
constexpr int Maximum = 5;
constexpr int Minimum = 6;
}  // namespace binary_op

namespace unary_op {
constexpr int Relu = 0;
constexpr int Step = 1;
constexpr int Neg = 2;
constexpr int Exp = 3;
constexpr int Log = 4;
constexpr int Log1p = 5;
constexpr int Sqrt = 6;
constexpr int Rsqrt = 7;
constexpr int Square = 8;
constexpr int Abs = 9;
constexpr int Sigmoid = 10;
constexpr int Tanh = 11;
constexpr int Elu = 12;
constexpr int LeakyRelu = 13;
constexpr int Relu6 = 14;
constexpr int Reciprocal = 15;
}  // namespace unary_op

namespace activation {
constexpr int linear = 0;
constexpr int relu = 1;
constexpr int relu6 = 2;
constexpr int elu = 3;
constexpr int sigmoid = 4;
constexpr int leakyrelu = 5;
}  // namespace activation

}  // namespace ops
}  // namespace sculpt
