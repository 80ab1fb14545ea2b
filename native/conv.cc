// oneDNN convolutions: a primitive per shape (forward, data gradient, weight gradient), built
// once and cached as a plan, with cached reorders where oneDNN wants another layout than the
// caller's; few-channel data gradients go to data_gradient.cc instead.
#include "common.h"

namespace sculpt {
namespace {

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

// Activation codes: ops.h (from src/engine/native/ops.ts).
void appendActivation(dnnl::post_ops &ops, int act, float alpha) {
  using A = dnnl::algorithm;
  switch (act) {
    case ops::activation::relu: ops.append_eltwise(1.f, A::eltwise_relu, 0.f, 0.f); break;
    case ops::activation::relu6: ops.append_eltwise(1.f, A::eltwise_clip, 0.f, 6.f); break;
    case ops::activation::elu: ops.append_eltwise(1.f, A::eltwise_elu, 1.f, 0.f); break;
    case ops::activation::sigmoid: ops.append_eltwise(1.f, A::eltwise_logistic, 0.f, 0.f); break;
    case ops::activation::leakyrelu: ops.append_eltwise(1.f, A::eltwise_relu, alpha, 0.f); break;
    default: break;
  }
}

std::unique_ptr<ConvPlan> buildPlan(int kind, const Geom &g, bool withBias, int act, float alpha) {
  auto plan = std::make_unique<ConvPlan>();
  auto &eng = cpuEngine();
  const Descs d = makeDescs(g);
  if (kind == ops::conv_kind::forward) {
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
  } else if (kind == ops::conv_kind::backwardData) {
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
  if (kind == ops::conv_kind::forward) {
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
  } else if (kind == ops::conv_kind::backwardData) {
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

}  // namespace

size_t cachedPlanCount() { return gPlans.size(); }

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
  if (kind == ops::conv_kind::backwardData) aLen = ys, outLen = xs;
  if (kind == ops::conv_kind::backwardWeights) bLen = ys, outLen = ws;
  float *a = floats(info[2], aLen, "a");
  float *b = floats(info[3], bLen, "b");
  float *out = floats(info[4], outLen, "out");
  float *bias = nullptr;
  int act = 0;
  float alpha = 0.f;
  if (kind == ops::conv_kind::forward && info.Length() > 5 && !info[5].IsNull() && !info[5].IsUndefined())
    bias = floats(info[5], size_t(g.oc), "bias");
  if (kind == ops::conv_kind::forward && info.Length() > 6) act = info[6].As<Napi::Number>().Int32Value();
  if (kind == ops::conv_kind::forward && info.Length() > 7) alpha = info[7].As<Napi::Number>().FloatValue();
  if (kind == ops::conv_kind::backwardData && smallChannels(g)) {
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

}  // namespace sculpt
