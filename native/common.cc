// Definitions of common.h's shared pieces.
#include "common.h"

namespace sculpt {

dnnl::engine &cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::stream &cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

std::mutex gLock;

const sigset_t &asyncSignals() {
  static const sigset_t set = [] {
    sigset_t s;
    sigfillset(&s);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&s, sig);
    return s;
  }();
  return set;
}

int gActivationLayout = 0;

float *floats(const Napi::Value &v, size_t minLen, const char *what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Float32Array");
  auto arr = v.As<Napi::Float32Array>();
  if (arr.ElementLength() < minLen)
    throw Napi::RangeError::New(v.Env(), std::string(what) + " is shorter than its shape says");
  return arr.Data();
}

Geom readGeom(const Napi::Value &v) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      v.As<Napi::Int32Array>().ElementLength() != kGeomLen)
    throw Napi::TypeError::New(v.Env(), "geometry must be an Int32Array of 18 numbers");
  Geom g;
  std::memcpy(&g, v.As<Napi::Int32Array>().Data(), sizeof(Geom));
  return g;
}

}  // namespace sculpt
