// Matrix products through oneDNN's sgemm (batched, a batch of 1 broadcasting), with an optional
// bias and a fused activation.
#include "common.h"

namespace sculpt {
namespace {

// Activation applied in place after a matmul (same codes as appendActivation).
void activateInPlace(float *c, size_t len, int act, float alpha) {
  if (act == 0) return;
#pragma omp parallel for schedule(static) if (len > 32768)
  for (size_t i = 0; i < len; i++) {
    const float v = c[i];
    float r = v;
    switch (act) {
      case ops::activation::relu: r = v > 0.f ? v : 0.f; break;
      case ops::activation::relu6: r = v < 0.f ? 0.f : (v > 6.f ? 6.f : v); break;
      case ops::activation::elu: r = v > 0.f ? v : std::expm1(v); break;
      case ops::activation::sigmoid: r = 1.f / (1.f + std::exp(-v)); break;
      case ops::activation::leakyrelu: r = v > 0.f ? v : alpha * v; break;
      default: break;
    }
    c[i] = r;
  }
}

}  // namespace

// matmul(a, b, out, batchA, batchB, m, n, k, transA, transB[, bias, biasLen, activation, alpha]):
// out[i] = op(a[i]) · op(b[i]) (+ bias broadcast over rows) for i < max(batchA, batchB); a batch
// of 1 broadcasts.
Napi::Value MatMul(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const SignalsHeld held;
  const int64_t batchA = info[3].As<Napi::Number>().Int64Value(), batchB = info[4].As<Napi::Number>().Int64Value();
  const int64_t m = info[5].As<Napi::Number>().Int64Value(), n = info[6].As<Napi::Number>().Int64Value(),
                k = info[7].As<Napi::Number>().Int64Value();
  const bool ta = info[8].As<Napi::Boolean>().Value(), tb = info[9].As<Napi::Boolean>().Value();
  const int64_t batch = batchA > batchB ? batchA : batchB;
  float *a = floats(info[0], size_t(batchA * m * k), "a");
  float *b = floats(info[1], size_t(batchB * k * n), "b");
  float *c = floats(info[2], size_t(batch * m * n), "out");
  float *bias = nullptr;
  int64_t biasLen = 0;
  int act = 0;
  float alpha = 0.f;
  if (info.Length() > 10 && !info[10].IsNull() && !info[10].IsUndefined()) {
    biasLen = info[11].As<Napi::Number>().Int64Value();
    bias = floats(info[10], size_t(biasLen), "bias");
  }
  if (info.Length() > 12) act = info[12].As<Napi::Number>().Int32Value();
  if (info.Length() > 13) alpha = info[13].As<Napi::Number>().FloatValue();
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  const int64_t sa = batchA == 1 ? 0 : m * k, sb = batchB == 1 ? 0 : k * n;
  std::lock_guard<std::mutex> lock(gLock);
  // Bias (a row vector or a full [m, n] / [batch, m, n] tensor) goes in first so sgemm adds to it.
  float beta = 0.f;
  if (bias) {
    beta = 1.f;
    const int64_t per = m * n;
#pragma omp parallel for schedule(static) if (batch * per > 32768)
    for (int64_t i = 0; i < batch * per; i++) c[i] = bias[biasLen == n ? i % n : (biasLen == per ? i % per : i)];
  }
  // Many small products: one per thread, each single-threaded; otherwise sgemm splits each one.
  const bool perThread = batch >= 2 * omp_get_max_threads() && m * n * k < (1 << 18);
  dnnl_status_t status = dnnl_success;
  if (perThread) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < batch; i++) {
      auto st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, a + i * sa, lda, b + i * sb, ldb, beta,
                           c + i * m * n, n);
      if (st != dnnl_success) status = st;
    }
  } else {
    for (int64_t i = 0; i < batch && status == dnnl_success; i++)
      status = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, a + i * sa, lda, b + i * sb, ldb, beta,
                          c + i * m * n, n);
  }
  if (status != dnnl_success) throw Napi::Error::New(env, "oneDNN sgemm failed with status " + std::to_string(status));
  activateInPlace(c, size_t(batch * m * n), act, alpha);
  return env.Undefined();
}

}  // namespace sculpt
