#include "common.h"

namespace sculpt {

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

}  // namespace sculpt
