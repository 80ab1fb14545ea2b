// sculpt's native CPU kernels: a Node addon (N-API) over oneDNN for convolutions and its sgemm for
// matrix products, a hand-written data gradient for few-channel layers, and OpenMP elementwise
// loops and sums. Every function works synchronously on caller-owned Float32Arrays in tfjs
// layouts (NHWC activations, HWIO filters, row-major matrices); primitives are built once per
// shape and cached, and tensors whose layout differs from the one oneDNN picks go through cached
// reorders. The TS side (src/engine/native/kernels.ts) checks shapes; this file trusts them.
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

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine &cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::stream &cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

// One lock for the caches and the stream: Node worker threads may share this module.
std::mutex gLock;

// oneDNN 2.x's generated sgemm kernels point rsp at a heap buffer while they run (oneDNN issue
// #4845, fixed upstream in 2026): a signal handled meanwhile (the profiler's SIGPROF, SIGINT,
// SIGCHLD, SIGWINCH) writes its frame into the heap and corrupts it. So calls that run oneDNN hold
// async signals until they return (two syscalls, ~1.4 us here), and the OpenMP workers, which
// inherit the mask of the thread that starts them, are started holding them (see Init) and never
// take any. Faults stay deliverable.
const sigset_t &asyncSignals() {
  static const sigset_t set = [] {
    sigset_t s;
    sigfillset(&s);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&s, sig);
    return s;
  }();
  return set;
}

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
int gActivationLayout = 0;

enum Kind { kForward = 0, kBackwardData = 1, kBackwardWeights = 2 };

// Geometry as passed from TS, in this order.
struct Geom {
  int n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, channelsFirst;
};
constexpr int kGeomLen = 18;

// A caller tensor in its own layout and the layout the primitive wants. When they differ, the
// primitive reads or writes `inner` and a cached reorder copies to or from the caller's buffer.
struct Port {
  memory outer;
  memory inner;
  bool same = true;
  dnnl::reorder toInner, toOuter;

  void init(const memory::desc &user, const memory::desc &wanted, bool isInput) {
    auto &eng = cpuEngine();
    outer = memory(user, eng, DNNL_MEMORY_NONE);
    same = user == wanted;
    if (same) {
      inner = outer;
      return;
    }
    inner = memory(wanted, eng);
    if (isInput)
      toInner = dnnl::reorder(outer, inner);
    else
      toOuter = dnnl::reorder(inner, outer);
  }
  void before(void *ptr) {
    outer.set_data_handle(ptr);
    if (!same && toInner) toInner.execute(cpuStream(), outer, inner);
  }
  void after() {
    if (!same && toOuter) toOuter.execute(cpuStream(), inner, outer);
  }
};

struct ConvPlan {
  dnnl::primitive prim;
  Port src, wei, dst, bias;
  bool hasBias = false;
  std::string impl;
};

memory::dims activationDims(int n, int c, int h, int w) { return {n, c, h, w}; }

struct Descs {
  memory::desc srcUser, weiUser, dstUser, src, wei, dst, bias;
  memory::dims strides, dil, padL, padR;
};

Descs makeDescs(const Geom &g) {
  Descs d;
  const tag act = g.channelsFirst ? tag::nchw : tag::nhwc;
  const memory::dims srcDims = activationDims(g.n, g.ic, g.ih, g.iw);
  const memory::dims dstDims = activationDims(g.n, g.oc, g.oh, g.ow);
  const memory::dims weiDims = {g.oc, g.ic, g.kh, g.kw};
  d.srcUser = memory::desc(srcDims, dt::f32, act);
  d.dstUser = memory::desc(dstDims, dt::f32, act);
  d.weiUser = memory::desc(weiDims, dt::f32, tag::hwio);
  const tag chosen = gActivationLayout == 0 ? act : tag::any;
  d.src = memory::desc(srcDims, dt::f32, chosen);
  d.dst = memory::desc(dstDims, dt::f32, chosen);
  d.wei = memory::desc(weiDims, dt::f32, tag::any);
  d.bias = memory::desc({g.oc}, dt::f32, tag::a);
  d.strides = {g.sh, g.sw};
  // oneDNN counts dilation from 0 (0 = dense kernel); tfjs from 1.
  d.dil = {g.dh - 1, g.dw - 1};
  d.padL = {g.pt, g.pl};
  d.padR = {g.pb, g.pr};
  return d;
}

dnnl::convolution_forward::desc forwardDesc(const Descs &d, bool withBias) {
  using F = dnnl::convolution_forward;
  const auto pk = dnnl::prop_kind::forward_training;
  const auto alg = dnnl::algorithm::convolution_direct;
  if (withBias) return F::desc(pk, alg, d.src, d.wei, d.bias, d.dst, d.strides, d.dil, d.padL, d.padR);
  return F::desc(pk, alg, d.src, d.wei, d.dst, d.strides, d.dil, d.padL, d.padR);
}

// Activation codes shared with TS: 0 none, 1 relu, 2 relu6, 3 elu, 4 sigmoid, 5 leakyrelu, 6 tanh.
void appendActivation(dnnl::post_ops &ops, int act, float alpha) {
  using A = dnnl::algorithm;
  switch (act) {
    case 1: ops.append_eltwise(1.f, A::eltwise_relu, 0.f, 0.f); break;
    case 2: ops.append_eltwise(1.f, A::eltwise_clip, 0.f, 6.f); break;
    case 3: ops.append_eltwise(1.f, A::eltwise_elu, 1.f, 0.f); break;
    case 4: ops.append_eltwise(1.f, A::eltwise_logistic, 0.f, 0.f); break;
    case 5: ops.append_eltwise(1.f, A::eltwise_relu, alpha, 0.f); break;
    case 6: ops.append_eltwise(1.f, A::eltwise_tanh, 0.f, 0.f); break;
    default: break;
  }
}

std::unique_ptr<ConvPlan> buildPlan(int kind, const Geom &g, bool withBias, int act, float alpha) {
  auto plan = std::make_unique<ConvPlan>();
  auto &eng = cpuEngine();
  const Descs d = makeDescs(g);
  if (kind == kForward) {
    dnnl::primitive_attr attr;
    if (act != 0) {
      dnnl::post_ops ops;
      appendActivation(ops, act, alpha);
      attr.set_post_ops(ops);
    }
    dnnl::convolution_forward::primitive_desc pd(forwardDesc(d, withBias), attr, eng);
    plan->src.init(d.srcUser, pd.src_desc(), true);
    plan->wei.init(d.weiUser, pd.weights_desc(), true);
    plan->dst.init(d.dstUser, pd.dst_desc(), false);
    if (withBias) plan->bias.init(d.bias, pd.bias_desc(), true);
    plan->hasBias = withBias;
    plan->impl = pd.impl_info_str();
    plan->prim = dnnl::convolution_forward(pd);
  } else if (kind == kBackwardData) {
    dnnl::convolution_forward::primitive_desc hint(forwardDesc(d, false), eng);
    dnnl::convolution_backward_data::desc bd(dnnl::algorithm::convolution_direct, d.src, d.wei, d.dst, d.strides,
                                             d.dil, d.padL, d.padR);
    dnnl::convolution_backward_data::primitive_desc pd(bd, eng, hint);
    // Ports named after tensors: dst carries dy in, src carries dx out.
    plan->dst.init(d.dstUser, pd.diff_dst_desc(), true);
    plan->wei.init(d.weiUser, pd.weights_desc(), true);
    plan->src.init(d.srcUser, pd.diff_src_desc(), false);
    plan->impl = pd.impl_info_str();
    plan->prim = dnnl::convolution_backward_data(pd);
  } else {
    dnnl::convolution_forward::primitive_desc hint(forwardDesc(d, false), eng);
    dnnl::convolution_backward_weights::desc bd(dnnl::algorithm::convolution_direct, d.src, d.wei, d.dst,
                                                d.strides, d.dil, d.padL, d.padR);
    dnnl::convolution_backward_weights::primitive_desc pd(bd, eng, hint);
    plan->src.init(d.srcUser, pd.src_desc(), true);
    plan->dst.init(d.dstUser, pd.diff_dst_desc(), true);
    plan->wei.init(d.weiUser, pd.diff_weights_desc(), false);
    plan->impl = pd.impl_info_str();
    plan->prim = dnnl::convolution_backward_weights(pd);
  }
  return plan;
}

std::unordered_map<std::string, std::unique_ptr<ConvPlan>> gPlans;

ConvPlan &planFor(int kind, const Geom &g, bool withBias, int act, float alpha) {
  std::string key(reinterpret_cast<const char *>(&g), sizeof(Geom));
  const int extra[4] = {kind, withBias ? 1 : 0, act, gActivationLayout};
  key.append(reinterpret_cast<const char *>(extra), sizeof(extra));
  key.append(reinterpret_cast<const char *>(&alpha), sizeof(alpha));
  auto it = gPlans.find(key);
  if (it != gPlans.end()) return *it->second;
  auto plan = buildPlan(kind, g, withBias, act, alpha);
  auto &ref = *plan;
  gPlans.emplace(std::move(key), std::move(plan));
  return ref;
}

void runPlan(int kind, ConvPlan &p, float *a, float *b, float *out, float *bias) {
  auto &s = cpuStream();
  std::unordered_map<int, memory> args;
  if (kind == kForward) {
    p.src.before(a);
    p.wei.before(b);
    p.dst.outer.set_data_handle(out);
    args = {{DNNL_ARG_SRC, p.src.inner}, {DNNL_ARG_WEIGHTS, p.wei.inner}, {DNNL_ARG_DST, p.dst.inner}};
    if (p.hasBias) {
      p.bias.before(bias);
      args.insert({DNNL_ARG_BIAS, p.bias.inner});
    }
    p.prim.execute(s, args);
    p.dst.after();
  } else if (kind == kBackwardData) {
    p.dst.before(a);
    p.wei.before(b);
    p.src.outer.set_data_handle(out);
    args = {{DNNL_ARG_DIFF_DST, p.dst.inner}, {DNNL_ARG_WEIGHTS, p.wei.inner}, {DNNL_ARG_DIFF_SRC, p.src.inner}};
    p.prim.execute(s, args);
    p.src.after();
  } else {
    p.src.before(a);
    p.dst.before(b);
    p.wei.outer.set_data_handle(out);
    args = {{DNNL_ARG_SRC, p.src.inner}, {DNNL_ARG_DIFF_DST, p.dst.inner}, {DNNL_ARG_DIFF_WEIGHTS, p.wei.inner}};
    p.prim.execute(s, args);
    p.wei.after();
  }
  s.wait();
}

// Data gradient for few input channels (a decoder's last layer, 32 -> 1 channel, and the unused
// input gradient of an encoder's first), NHWC only. oneDNN's kernels vectorise over input channels
// and crawl here (8.4 ms for the 84 px layer at batch 64, against 1.5 ms below; fastest of 40).
// Each dy pixel becomes its kh·kw·ic filter taps, 16 at a time in registers (a 4×4×1 filter is one
// AVX-512 register), added into a zero-padded image that holds every position a tap can reach, so
// no tap needs a bounds check. Threads split the batch. Cloned per ISA: the addon is built for
// baseline x86-64.
constexpr int kMaxSmallTaps = 256;
constexpr int kTapBlock = 16;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SCULPT_ISA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SCULPT_ISA_CLONES
#endif

// 16 floats as one value: one AVX-512 register, two AVX2 ones, four SSE ones (GCC vectors).
typedef float Vec16 __attribute__((vector_size(64)));

__attribute__((always_inline)) inline Vec16 load16(const float *p) {
  Vec16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The padded image: rows and columns every tap reaches, counted before the top/left pads.
struct Padded {
  int h, w;
  explicit Padded(const Geom &g)
      : h((g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1), w((g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1) {}
  int64_t size(int ic) const { return int64_t(h) * w * ic; }
};

bool smallChannels(const Geom &g) {
  return g.ic <= 4 && g.kh * g.kw * g.ic <= kMaxSmallTaps && !g.channelsFirst && gActivationLayout == 0;
}

// The taps of 4 neighbouring dy pixels (rows d0..d3; repeat a row when fewer remain):
// independent accumulators, so their FMAs overlap, and each weight load serves all four.
__attribute__((always_inline)) inline void pixelTaps(const float *d0, const float *d1, const float *d2, const float *d3,
                                                     int oc, const float *wT, int stride, int blocks,
                                                     float (*acc)[kMaxSmallTaps]) {
  for (int b = 0; b < blocks; b++) {
    Vec16 r0 = {}, r1 = {}, r2 = {}, r3 = {};
    const float *wr = wT + b * kTapBlock;
    for (int o = 0; o < oc; o++, wr += stride) {
      const Vec16 w = load16(wr);
      r0 += d0[o] * w;
      r1 += d1[o] * w;
      r2 += d2[o] * w;
      r3 += d3[o] * w;
    }
    std::memcpy(acc[0] + b * kTapBlock, &r0, sizeof r0);
    std::memcpy(acc[1] + b * kTapBlock, &r1, sizeof r1);
    std::memcpy(acc[2] + b * kTapBlock, &r2, sizeof r2);
    std::memcpy(acc[3] + b * kTapBlock, &r3, sizeof r3);
  }
}

// One image of dx: taps added into the padded image `buf` row by row, then the image's part of
// buf copied out. wT: filter as [oc, blocks·16], taps padded with zeros.
SCULPT_ISA_CLONES
void backwardDataImage(const Geom &g, const float *dy, const float *wT, int blocks, float *buf, float *out) {
  const Padded P(g);
  float acc[4][kMaxSmallTaps];
  const int stride = blocks * kTapBlock, rowTaps = g.kw * g.ic;
  std::fill(buf, buf + P.size(g.ic), 0.f);
  for (int oy = 0; oy < g.oh; oy++) {
    for (int ox0 = 0; ox0 < g.ow; ox0 += 4) {
      const int count = std::min(4, g.ow - ox0);
      const float *d = dy + (int64_t(oy) * g.ow + ox0) * g.oc;
      pixelTaps(d, d + (count > 1 ? g.oc : 0), d + (count > 2 ? 2 * g.oc : 0), d + (count > 3 ? 3 * g.oc : 0), g.oc, wT,
                stride, blocks, acc);
      for (int p = 0; p < count; p++) {
        for (int ky = 0; ky < g.kh; ky++) {
          float *dst = buf + ((int64_t(oy) * g.sh + ky * g.dh) * P.w + int64_t(ox0 + p) * g.sw) * g.ic;
          const float *src = acc[p] + ky * rowTaps;
          if (g.dw == 1) {
            for (int j = 0; j < rowTaps; j++) dst[j] += src[j];
          } else {
            for (int kx = 0; kx < g.kw; kx++)
              for (int c = 0; c < g.ic; c++) dst[kx * g.dw * g.ic + c] += src[kx * g.ic + c];
          }
        }
      }
    }
  }
  // dx[iy][ix] = buf[iy + pt][ix + pl]; positions no tap reaches (past a 'valid' edge) are 0.
  const int64_t rowLen = int64_t(g.iw) * g.ic;
  const int64_t copied = int64_t(std::max(0, std::min(g.iw, P.w - g.pl))) * g.ic;
  for (int iy = 0; iy < g.ih; iy++) {
    float *o = out + iy * rowLen;
    const int y = iy + g.pt;
    const int64_t n = y < P.h ? copied : 0;
    if (n > 0) std::memcpy(o, buf + (int64_t(y) * P.w + g.pl) * g.ic, n * sizeof(float));
    std::fill(o + n, o + rowLen, 0.f);
  }
}

void smallChannelBackwardData(const Geom &g, const float *dy, const float *w, float *dx) {
  const int taps = g.kh * g.kw * g.ic, blocks = (taps + kTapBlock - 1) / kTapBlock, stride = blocks * kTapBlock;
  // filter (HWIO) is row-major [taps, oc]; transpose it so taps run along rows.
  std::vector<float> wT(size_t(g.oc) * stride, 0.f);
  for (int t = 0; t < taps; t++)
    for (int o = 0; o < g.oc; o++) wT[size_t(o) * stride + t] = w[size_t(t) * g.oc + o];
  const int64_t imageIn = int64_t(g.ih) * g.iw * g.ic, imageOut = int64_t(g.oh) * g.ow * g.oc;
#pragma omp parallel
  {
    std::vector<float> buf(size_t(Padded(g).size(g.ic)));
#pragma omp for schedule(static)
    for (int n = 0; n < g.n; n++) backwardDataImage(g, dy + n * imageOut, wT.data(), blocks, buf.data(), dx + n * imageIn);
  }
}

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

// conv(kind, geom, a, b, out[, bias, activation, alpha]):
//   kind 0: a = x, b = filter, out = y;  1: a = dy, b = filter, out = dx;  2: a = x, b = dy, out = dfilter.
Napi::Value Conv(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const SignalsHeld held;
  const int kind = info[0].As<Napi::Number>().Int32Value();
  const Geom g = readGeom(info[1]);
  const size_t xs = size_t(g.n) * g.ih * g.iw * g.ic, ys = size_t(g.n) * g.oh * g.ow * g.oc,
               ws = size_t(g.kh) * g.kw * g.ic * g.oc;
  size_t aLen = xs, bLen = ws, outLen = ys;
  if (kind == kBackwardData) aLen = ys, outLen = xs;
  if (kind == kBackwardWeights) bLen = ys, outLen = ws;
  float *a = floats(info[2], aLen, "a");
  float *b = floats(info[3], bLen, "b");
  float *out = floats(info[4], outLen, "out");
  float *bias = nullptr;
  int act = 0;
  float alpha = 0.f;
  if (kind == kForward && info.Length() > 5 && !info[5].IsNull() && !info[5].IsUndefined())
    bias = floats(info[5], size_t(g.oc), "bias");
  if (kind == kForward && info.Length() > 6) act = info[6].As<Napi::Number>().Int32Value();
  if (kind == kForward && info.Length() > 7) alpha = info[7].As<Napi::Number>().FloatValue();
  if (kind == kBackwardData && smallChannels(g)) {
    smallChannelBackwardData(g, a, b, out);
    return env.Undefined();
  }
  std::lock_guard<std::mutex> lock(gLock);
  try {
    auto &plan = planFor(kind, g, bias != nullptr, act, alpha);
    runPlan(kind, plan, a, b, out, bias);
  } catch (const dnnl::error &e) {
    throw Napi::Error::New(env, std::string("oneDNN: ") + e.what());
  }
  return env.Undefined();
}

// convImpl(kind, geom[, withBias, activation]) -> the oneDNN implementation name chosen for it.
Napi::Value ConvImpl(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const SignalsHeld held;
  const int kind = info[0].As<Napi::Number>().Int32Value();
  const Geom g = readGeom(info[1]);
  std::lock_guard<std::mutex> lock(gLock);
  try {
    return Napi::String::New(env, planFor(kind, g, false, 0, 0.f).impl);
  } catch (const dnnl::error &e) {
    throw Napi::Error::New(env, std::string("oneDNN: ") + e.what());
  }
}

// Activation applied in place after a matmul (same codes as appendActivation).
void activateInPlace(float *c, size_t len, int act, float alpha) {
  if (act == 0) return;
#pragma omp parallel for schedule(static) if (len > 32768)
  for (size_t i = 0; i < len; i++) {
    const float v = c[i];
    float r = v;
    switch (act) {
      case 1: r = v > 0.f ? v : 0.f; break;
      case 2: r = v < 0.f ? 0.f : (v > 6.f ? 6.f : v); break;
      case 3: r = v > 0.f ? v : std::expm1(v); break;
      case 4: r = 1.f / (1.f + std::exp(-v)); break;
      case 5: r = v > 0.f ? v : alpha * v; break;
      case 6: r = std::tanh(v); break;
      default: break;
    }
    c[i] = r;
  }
}

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

// Binary op codes shared with TS: 0 add, 1 sub, 2 mul, 3 div, 4 squared difference, 5 max, 6 min.
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
    case 0: mapBinary(a, b, out, s, [](float x, float y) { return x + y; }); break;
    case 1: mapBinary(a, b, out, s, [](float x, float y) { return x - y; }); break;
    case 2: mapBinary(a, b, out, s, [](float x, float y) { return x * y; }); break;
    case 3: mapBinary(a, b, out, s, [](float x, float y) { return x / y; }); break;
    case 4: mapBinary(a, b, out, s, [](float x, float y) { return (x - y) * (x - y); }); break;
    // Like Math.max/min: NaN wins.
    case 5: mapBinary(a, b, out, s, [nan](float x, float y) { return x != x || y != y ? nan : (x > y ? x : y); }); break;
    case 6: mapBinary(a, b, out, s, [nan](float x, float y) { return x != x || y != y ? nan : (x < y ? x : y); }); break;
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

// Unary op codes shared with TS (formulas as tfjs-backend-cpu's): 0 relu, 1 step(alpha),
// 2 neg, 3 exp, 4 log, 5 log1p, 6 sqrt, 7 rsqrt, 8 square, 9 abs, 10 sigmoid, 11 tanh, 12 elu,
// 13 leaky relu(alpha), 14 relu6, 15 reciprocal.
Napi::Value Unary(const Napi::CallbackInfo &info) {
  auto env = info.Env();
  const int op = info[0].As<Napi::Number>().Int32Value();
  const int64_t n = int64_t(info[1].As<Napi::Float32Array>().ElementLength());
  const float *x = floats(info[1], size_t(n), "x");
  float *out = floats(info[2], size_t(n), "out");
  const float alpha = info.Length() > 3 ? info[3].As<Napi::Number>().FloatValue() : 0.f;
  switch (op) {
    case 0: mapUnary(x, out, n, [](float v) { return v < 0.f ? 0.f : v; }); break;
    case 1: mapUnary(x, out, n, [alpha](float v) { return v != v ? v : (v > 0.f ? 1.f : alpha); }); break;
    case 2: mapUnary(x, out, n, [](float v) { return -v; }); break;
    case 3: mapUnary(x, out, n, [](float v) { return std::exp(v); }, kParallelMinMath); break;
    case 4: mapUnary(x, out, n, [](float v) { return std::log(v); }, kParallelMinMath); break;
    case 5: mapUnary(x, out, n, [](float v) { return std::log1p(v); }, kParallelMinMath); break;
    case 6: mapUnary(x, out, n, [](float v) { return std::sqrt(v); }); break;
    case 7: mapUnary(x, out, n, [](float v) { return 1.f / std::sqrt(v); }); break;
    case 8: mapUnary(x, out, n, [](float v) { return v * v; }); break;
    case 9: mapUnary(x, out, n, [](float v) { return std::fabs(v); }); break;
    case 10: mapUnary(x, out, n, [](float v) { return 1.f / (1.f + std::exp(-v)); }, kParallelMinMath); break;
    case 11: mapUnary(x, out, n, [](float v) { return std::tanh(v); }, kParallelMinMath); break;
    case 12: mapUnary(x, out, n, [](float v) { return v >= 0.f ? v : std::expm1(v); }, kParallelMinMath); break;
    case 13: mapUnary(x, out, n, [alpha](float v) { return v < 0.f ? alpha * v : v; }); break;
    case 14: mapUnary(x, out, n, [](float v) { return v < 0.f ? 0.f : (v > 6.f ? 6.f : v); }); break;
    case 15: mapUnary(x, out, n, [](float v) { return 1.f / v; }); break;
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
  out.Set("cachedPlans", double(gPlans.size()));
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

NODE_API_MODULE(sculpt_native, Init)
