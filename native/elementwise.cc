#include "common.h"

namespace sculpt {
namespace {

// ---- Elementwise maps and reductions: tfjs-backend-cpu runs these as single-threaded JS, and its
// broadcasting path computes every index from scratch, so on large activations they cost more than
// the convolutions. Small tensors stay in JS (the TS side decides).

// One thread streams these loops at ~30 GB/s here (2M floats in 0.5 ms); a second one bought
// nothing measurable and costs a wake-up, which stalls for a whole time slice on a busy machine.
// So loads and stores split across threads only for very large tensors, and math calls (exp,
// log, tanh: ~2-30 ns each) from 64K elements on.
constexpr int64_t kParallelMin = int64_t(1) << 22;
constexpr int64_t kParallelMinMath = 65536;

// How a binary op's operands map onto its output: out dims (adjacent dims merged where both
// operands allow) and each operand's stride per dim, 0 where it repeats. The innermost dim has
// stride 1 or 0 in both, so the inner loop is one of four plain (vectorised) loops.
constexpr int kMaxRank = 8;
struct Broadcast {
  int rank = 1;
  int64_t dims[kMaxRank] = {1}, sa[kMaxRank] = {1}, sb[kMaxRank] = {1};
};

// Each loop runs on a local copy of the functor: captured values (alpha) could otherwise alias the
// float output as far as the compiler knows, which reloads them every element and blocks SIMD.
template <class F>
inline void binaryRow(const float *a, int64_t ia, const float *b, int64_t ib, float *out, int64_t len, const F &f) {
  const F g = f;
  if (ia && ib)
    for (int64_t j = 0; j < len; j++) out[j] = g(a[j], b[j]);
  else if (ia) {
    const float y = b[0];
    for (int64_t j = 0; j < len; j++) out[j] = g(a[j], y);
  } else if (ib) {
    const float x = a[0];
    for (int64_t j = 0; j < len; j++) out[j] = g(x, b[j]);
  } else {
    const float v = g(a[0], b[0]);
    for (int64_t j = 0; j < len; j++) out[j] = v;
  }
}

template <class F>
void mapBinary(const float *a, const float *b, float *out, const Broadcast &s, F f) {
  const int r = s.rank;
  const int64_t inner = s.dims[r - 1], ia = s.sa[r - 1], ib = s.sb[r - 1];
  int64_t rows = 1;
  for (int d = 0; d < r - 1; d++) rows *= s.dims[d];
  const int64_t n = rows * inner;
  if (rows == 1) {
    // One long row: threads take contiguous chunks of it.
    const int threads = n >= kParallelMin ? omp_get_max_threads() : 1;
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      const int64_t j0 = n * t / nt, j1 = n * (t + 1) / nt;
      binaryRow(a + ia * j0, ia, b + ib * j0, ib, out + j0, j1 - j0, f);
    }
    return;
  }
#pragma omp parallel if (n >= kParallelMin)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t r0 = rows * t / nt, r1 = rows * (t + 1) / nt;
    // The row's index in the outer dims, advanced like an odometer.
    int64_t idx[kMaxRank] = {0}, oa = 0, ob = 0;
    for (int64_t rem = r0, d = r - 2; d >= 0; d--) {
      idx[d] = rem % s.dims[d];
      rem /= s.dims[d];
      oa += idx[d] * s.sa[d];
      ob += idx[d] * s.sb[d];
    }
    for (int64_t row = r0; row < r1; row++) {
      binaryRow(a + oa, ia, b + ob, ib, out + row * inner, inner, f);
      for (int d = r - 2; d >= 0; d--) {
        oa += s.sa[d];
        ob += s.sb[d];
        if (++idx[d] < s.dims[d]) break;
        oa -= s.sa[d] * s.dims[d];
        ob -= s.sb[d] * s.dims[d];
        idx[d] = 0;
      }
    }
  }
}

// The layout for operands of aLen and bLen values where the shorter is a scalar or repeats along
// the leading axes of the longer (callers that pass no layout).
Broadcast byLengths(int64_t aLen, int64_t bLen) {
  Broadcast s;
  const int64_t n = std::max(aLen, bLen), len = std::min(aLen, bLen);
  if (len == n) return (s.dims[0] = n, s);
  if (len == 1) return (s.dims[0] = n, s.sa[0] = aLen == n, s.sb[0] = bLen == n, s);
  s.rank = 2;
  s.dims[0] = n / len, s.dims[1] = len;
  s.sa[0] = aLen == n ? len : 0, s.sb[0] = bLen == n ? len : 0;
  s.sa[1] = s.sb[1] = 1;
  return s;
}

// layout: Int32Array [rank, dims..., a strides..., b strides...] (see Broadcast). Checks that
// every index it can produce stays inside a, b and out.
Broadcast readBroadcast(const Napi::Value &v, int64_t aLen, int64_t bLen, int64_t outLen) {
  auto env = v.Env();
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(env, "binary: layout must be an Int32Array");
  auto arr = v.As<Napi::Int32Array>();
  const int rank = arr.ElementLength() > 0 ? arr[0] : 0;
  if (rank < 1 || rank > kMaxRank || arr.ElementLength() != size_t(1 + 3 * rank))
    throw Napi::RangeError::New(env, "binary: layout must hold rank (1 to 8), then dims and two stride lists");
  Broadcast s;
  s.rank = rank;
  int64_t n = 1, lastA = 0, lastB = 0;
  for (int d = 0; d < rank; d++) {
    s.dims[d] = arr[1 + d];
    s.sa[d] = arr[1 + rank + d];
    s.sb[d] = arr[1 + 2 * rank + d];
    if (s.dims[d] < 1 || s.sa[d] < 0 || s.sb[d] < 0) throw Napi::RangeError::New(env, "binary: bad layout");
    n *= s.dims[d];
    lastA += (s.dims[d] - 1) * s.sa[d];
    lastB += (s.dims[d] - 1) * s.sb[d];
  }
  if (s.sa[rank - 1] > 1 || s.sb[rank - 1] > 1 || n != outLen || lastA >= aLen || lastB >= bLen)
    throw Napi::RangeError::New(env, "binary: layout does not fit the arrays");
  return s;
}

}  // namespace

// Op codes: ops.h (from src/engine/native/ops.ts).
// binary(op, a, b, out[, layout]): without a layout, out has max(a.length, b.length) values and the
// shorter operand is a scalar or repeats along the leading axes.
Napi::Value Binary(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const int op = info[0].As<Napi::Number>().Int32Value();
  const float *a = floats(info[1], 1, "a"), *b = floats(info[2], 1, "b");
  const int64_t aLen = int64_t(info[1].As<Napi::Float32Array>().ElementLength()),
                bLen = int64_t(info[2].As<Napi::Float32Array>().ElementLength());
  Broadcast s;
  int64_t n;
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    n = int64_t(info[3].As<Napi::TypedArray>().ElementLength());
    s = readBroadcast(info[4], aLen, bLen, n);
  } else {
    n = std::max(aLen, bLen);
    if ((n % aLen) != 0 || (n % bLen) != 0) throw Napi::RangeError::New(env, "binary: lengths do not broadcast");
    s = byLengths(aLen, bLen);
  }
  float *out = floats(info[3], size_t(n), "out");
  const float nan = std::nanf("");
  switch (op) {
    case ops::binary_op::Add: mapBinary(a, b, out, s, [](float x, float y) { return x + y; }); break;
    case ops::binary_op::Sub: mapBinary(a, b, out, s, [](float x, float y) { return x - y; }); break;
    case ops::binary_op::Multiply: mapBinary(a, b, out, s, [](float x, float y) { return x * y; }); break;
    case ops::binary_op::RealDiv: mapBinary(a, b, out, s, [](float x, float y) { return x / y; }); break;
    case ops::binary_op::SquaredDifference: mapBinary(a, b, out, s, [](float x, float y) { return (x - y) * (x - y); }); break;
    // Like Math.max/min: NaN wins.
    case ops::binary_op::Maximum: mapBinary(a, b, out, s, [nan](float x, float y) { return x != x || y != y ? nan : (x > y ? x : y); }); break;
    case ops::binary_op::Minimum: mapBinary(a, b, out, s, [nan](float x, float y) { return x != x || y != y ? nan : (x < y ? x : y); }); break;
    default: throw Napi::RangeError::New(env, "binary: unknown op");
  }
  return env.Undefined();
}

template <class F>
void mapUnary(const float *x, float *out, int64_t n, F f, int64_t parallelMin = kParallelMin) {
#pragma omp parallel if (n >= parallelMin)
  {
    const F g = f;  // see mapBinary
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++) out[i] = g(x[i]);
  }
}

// Op codes: ops.h (formulas as tfjs-backend-cpu's; alpha: step's value at x <= 0, leaky relu's slope).
Napi::Value Unary(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const int op = info[0].As<Napi::Number>().Int32Value();
  const int64_t n = int64_t(info[1].As<Napi::Float32Array>().ElementLength());
  const float *x = floats(info[1], size_t(n), "x");
  float *out = floats(info[2], size_t(n), "out");
  const float alpha = info.Length() > 3 ? info[3].As<Napi::Number>().FloatValue() : 0.f;
  switch (op) {
    case ops::unary_op::Relu: mapUnary(x, out, n, [](float v) { return v < 0.f ? 0.f : v; }); break;
    case ops::unary_op::Step: mapUnary(x, out, n, [alpha](float v) { return v != v ? v : (v > 0.f ? 1.f : alpha); }); break;
    case ops::unary_op::Neg: mapUnary(x, out, n, [](float v) { return -v; }); break;
    case ops::unary_op::Exp: mapUnary(x, out, n, [](float v) { return std::exp(v); }, kParallelMinMath); break;
    case ops::unary_op::Log: mapUnary(x, out, n, [](float v) { return std::log(v); }, kParallelMinMath); break;
    case ops::unary_op::Log1p: mapUnary(x, out, n, [](float v) { return std::log1p(v); }, kParallelMinMath); break;
    case ops::unary_op::Sqrt: mapUnary(x, out, n, [](float v) { return std::sqrt(v); }); break;
    case ops::unary_op::Rsqrt: mapUnary(x, out, n, [](float v) { return 1.f / std::sqrt(v); }); break;
    case ops::unary_op::Square: mapUnary(x, out, n, [](float v) { return v * v; }); break;
    case ops::unary_op::Abs: mapUnary(x, out, n, [](float v) { return std::fabs(v); }); break;
    case ops::unary_op::Sigmoid: mapUnary(x, out, n, [](float v) { return 1.f / (1.f + std::exp(-v)); }, kParallelMinMath); break;
    case ops::unary_op::Tanh: mapUnary(x, out, n, [](float v) { return std::tanh(v); }, kParallelMinMath); break;
    case ops::unary_op::Elu: mapUnary(x, out, n, [](float v) { return v >= 0.f ? v : std::expm1(v); }, kParallelMinMath); break;
    case ops::unary_op::LeakyRelu: mapUnary(x, out, n, [alpha](float v) { return v < 0.f ? alpha * v : v; }); break;
    case ops::unary_op::Relu6: mapUnary(x, out, n, [](float v) { return v < 0.f ? 0.f : (v > 6.f ? 6.f : v); }); break;
    case ops::unary_op::Reciprocal: mapUnary(x, out, n, [](float v) { return 1.f / v; }); break;
    default: throw Napi::RangeError::New(env, "unary: unknown op");
  }
  return env.Undefined();
}

// sumAxes(x, out, outer, inner, overOuter[, scale]): x viewed as [outer, inner]; sums over outer
// (out has inner values: bias gradients) or over inner (out has outer values), times scale (a
// mean's 1/count). Doubles accumulate, like JS.
Napi::Value SumAxes(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const int64_t outer = info[2].As<Napi::Number>().Int64Value(), inner = info[3].As<Napi::Number>().Int64Value();
  const bool overOuter = info[4].As<Napi::Boolean>().Value();
  const double scale = info.Length() > 5 ? info[5].As<Napi::Number>().DoubleValue() : 1.0;
  const float *x = floats(info[0], size_t(outer * inner), "x");
  float *out = floats(info[1], size_t(overOuter ? inner : outer), "out");
  if (!overOuter) {
#pragma omp parallel for schedule(static) if (outer * inner >= kParallelMin)
    for (int64_t r = 0; r < outer; r++) {
      double s = 0;
      const float *row = x + r * inner;
      for (int64_t j = 0; j < inner; j++) s += row[j];
      out[r] = float(s * scale);
    }
    return env.Undefined();
  }
  const int threads = outer * inner >= kParallelMin ? omp_get_max_threads() : 1;
  std::vector<double> partial(size_t(threads) * inner, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    double *acc = partial.data() + size_t(t) * inner;
    const int64_t r0 = outer * t / nt, r1 = outer * (t + 1) / nt;
    for (int64_t r = r0; r < r1; r++) {
      const float *row = x + r * inner;
      for (int64_t j = 0; j < inner; j++) acc[j] += row[j];
    }
  }
  for (int64_t j = 0; j < inner; j++) {
    double s = 0;
    for (int t = 0; t < threads; t++) s += partial[size_t(t) * inner + j];
    out[j] = float(s * scale);
  }
  return env.Undefined();
}

}  // namespace sculpt
