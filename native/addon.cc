// sculpt's native CPU kernels: a Node addon (N-API) over oneDNN, one file per job: conv.cc (oneDNN
// convolution plans), data_gradient.cc (a SIMD data gradient for few-channel layers), matmul.cc
// (sgemm), elementwise.cc (OpenMP elementwise ops and reductions); common.h/.cc hold what they
// share, ops.h the op codes (generated from src/engine/native/ops.ts). Every function works
// synchronously on caller-owned Float32Arrays in tfjs layouts (NHWC activations, HWIO filters,
// row-major matrices). The TS side (src/engine/native/kernels.ts) checks shapes; these trust them.
#include "common.h"

namespace sculpt {
namespace {

Napi::Value Configure(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const SignalsHeld held;
  auto opts = info[0].As<Napi::Object>();
  std::lock_guard<std::mutex> lock(gLock);
  if (opts.Has("threads")) {
    const int t = opts.Get("threads").As<Napi::Number>().Int32Value();
    if (t > 0) omp_set_num_threads(t);
    // Any new workers start here, holding async signals like the first ones.
#pragma omp parallel
    { (void)omp_get_thread_num(); }
  }
  if (opts.Has("activationLayout")) {
    gActivationLayout = opts.Get("activationLayout").As<Napi::Number>().Int32Value();
  }
  return env.Undefined();
}

Napi::Value Info(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  auto out = Napi::Object::New(env);
  const dnnl_version_t *v = dnnl_version();
  out.Set("onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  out.Set("threads", omp_get_max_threads());
  out.Set("cachedPlans", double(cachedPlanCount()));
  out.Set("memoryBytes", double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE)));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  {
    // Start the OpenMP workers now, holding async signals, so that they never take one (above).
    const SignalsHeld held;
#pragma omp parallel
    { (void)omp_get_thread_num(); }
  }
  exports.Set("conv", Napi::Function::New(env, Conv));
  exports.Set("convImpl", Napi::Function::New(env, ConvImpl));
  exports.Set("matmul", Napi::Function::New(env, MatMul));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("sumAxes", Napi::Function::New(env, SumAxes));
  exports.Set("configure", Napi::Function::New(env, Configure));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace
}  // namespace sculpt

// The macro pastes the function's name into identifiers: a plain name at global scope.
static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return sculpt::Init(env, exports); }

NODE_API_MODULE(sculpt_native, InitAddon)
