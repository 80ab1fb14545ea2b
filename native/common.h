// Shared by the native addon's files (native/*.cc): oneDNN's engine and stream, the one lock, the
// signal guard around oneDNN calls, convolution geometry and argument readers.
#pragma once
#include <napi.h>
#include <omp.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

#include "ops.h"

namespace sculpt {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine &cpuEngine();
dnnl::stream &cpuStream();

// One lock for the caches and the stream: Node worker threads may share this module.
extern std::mutex gLock;

// oneDNN 2.x's generated sgemm kernels point rsp at a heap buffer while they run (oneDNN issue
// #4845, fixed upstream in 2026): a signal handled meanwhile (the profiler's SIGPROF, SIGINT,
// SIGCHLD, SIGWINCH) writes its frame into the heap and corrupts it. So calls that run oneDNN hold
// async signals until they return (two syscalls, ~1.4 us here), and the OpenMP workers, which
// inherit the mask of the thread that starts them, are started holding them (see Init) and never
// take any. Faults stay deliverable.
const sigset_t &asyncSignals();

class SignalsHeld {
 public:
  SignalsHeld() { pthread_sigmask(SIG_BLOCK, &asyncSignals(), &saved_); }
  ~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  SignalsHeld(const SignalsHeld &) = delete;
  SignalsHeld &operator=(const SignalsHeld &) = delete;

 private:
  sigset_t saved_;
};

// How oneDNN may lay out activations: 0 = keep the caller's NHWC (no reorders), 1 = let oneDNN
// choose (blocked layouts, reordered on the way in and out). Filters are always free to choose.
extern int gActivationLayout;

// Geometry as passed from TS, in this order.
struct Geom {
  int n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, channelsFirst;
};
constexpr int kGeomLen = 18;

// The caller's Float32Array argument, checked to hold at least minLen values.
float *floats(const Napi::Value &v, size_t minLen, const char *what);
Geom readGeom(const Napi::Value &v);

// Few-input-channel data gradient (data_gradient.cc): whether it applies, and the kernel.
bool smallChannels(const Geom &g);
void smallChannelBackwardData(const Geom &g, const float *dy, const float *w, float *dx);

// The N-API functions, one file per job.
Napi::Value Conv(const Napi::CallbackInfo &info);      // conv.cc
Napi::Value ConvImpl(const Napi::CallbackInfo &info);  // conv.cc
size_t cachedPlanCount();                              // conv.cc
Napi::Value MatMul(const Napi::CallbackInfo &info);    // matmul.cc
Napi::Value Binary(const Napi::CallbackInfo &info);    // elementwise.cc
Napi::Value Unary(const Napi::CallbackInfo &info);     // elementwise.cc
Napi::Value SumAxes(const Napi::CallbackInfo &info);   // elementwise.cc

}  // namespace sculpt
