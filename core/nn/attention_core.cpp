#include "core/nn/attention_core.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/nn/lrp_rules.h"
#include "kernels/cpu/linalg.h"
#include "kernels/cpu/norms.h"

namespace core {
namespace {

struct Dims {
  int64_t batch, length, width, heads, head_dim;
};

Dims dims_of(const Tensor& q, int64_t heads, const char* who) {
  if (q.rank() != 3) {
    throw std::invalid_argument(std::string(who) + ": q: expected [B, L, D], got " +
                                q.shape().to_string());
  }
  const int64_t width = q.size(2);
  if (heads < 1 || width % heads != 0) {
    throw std::invalid_argument(std::string(who) + ": heads: expected a divisor of D = " +
                                std::to_string(width) + ", got " + std::to_string(heads));
  }
  return {q.size(0), q.size(1), width, heads, width / heads};
}

// The scores' scale 1 / sqrt(head_dim), as in "Attention is all you need".
float scale_of(const Dims& d) {
  return static_cast<float>(1.0 / std::sqrt(static_cast<double>(d.head_dim)));
}

}  // namespace

AttentionForward causal_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v,
                                          int64_t heads) {
  const Dims d = dims_of(q, heads, "causal_attention");
  require_shape(k, q.shape(), "causal_attention: k");
  require_shape(v, q.shape(), "causal_attention: v");
  const int64_t L = d.length, D = d.width, dh = d.head_dim;
  const float scale = scale_of(d);
  AttentionForward f{Tensor({d.batch, heads, L, L}), Tensor(q.shape())};
  for (int64_t b = 0; b < d.batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t off = b * L * D + h * dh;               // head h's channels of row 0
      float* p = f.probs.data() + (b * heads + h) * L * L;  // [L, L]
      // S [L, L] = s Q_h K_h^T, then each row's causal prefix softmaxed in
      // place; entries above the diagonal stay zero and drop out of P V.
      kernels::cpu::gemm(false, true, L, L, dh, scale, q.data() + off, D, k.data() + off, D, 0.0f,
                         p, L);
      for (int64_t t = 0; t < L; ++t) {
        float* row = p + t * L;
        kernels::cpu::softmax_forward(row, 1, t + 1, row);
        for (int64_t j = t + 1; j < L; ++j)
          row[j] = 0.0f;
      }
      // O_h [L, dh] = P V_h
      kernels::cpu::gemm(false, false, L, dh, L, 1.0f, p, L, v.data() + off, D, 0.0f,
                         f.out.data() + off, D);
    }
  }
  return f;
}

AttentionGrads causal_attention_backward(const Tensor& q, const Tensor& k, const Tensor& v,
                                         const Tensor& probs, const Tensor& dout, int64_t heads) {
  const Dims d = dims_of(q, heads, "causal_attention backward");
  require_shape(dout, q.shape(), "causal_attention backward: dout");
  require_shape(probs, {d.batch, heads, d.length, d.length}, "causal_attention backward: probs");
  const int64_t L = d.length, D = d.width, dh = d.head_dim;
  const float scale = scale_of(d);
  AttentionGrads g{Tensor(q.shape()), Tensor(q.shape()), Tensor(q.shape())};
  std::vector<float> dp(static_cast<size_t>(L * L));  // [L, L], reused per head
  for (int64_t b = 0; b < d.batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t off = b * L * D + h * dh;
      const float* p = probs.data() + (b * heads + h) * L * L;
      // dV_h = P^T dO_h; dP = dO_h V_h^T
      kernels::cpu::gemm(true, false, L, dh, L, 1.0f, p, L, dout.data() + off, D, 0.0f,
                         g.dv.data() + off, D);
      kernels::cpu::gemm(false, true, L, L, dh, 1.0f, dout.data() + off, D, v.data() + off, D, 0.0f,
                         dp.data(), L);
      // dS over each row's causal prefix; masked scores had no effect, so
      // their gradient is zero.
      for (int64_t t = 0; t < L; ++t) {
        float* row = dp.data() + t * L;
        kernels::cpu::softmax_backward(p + t * L, row, 1, t + 1, row);
        for (int64_t j = t + 1; j < L; ++j)
          row[j] = 0.0f;
      }
      // dQ_h = s dS K_h; dK_h = s dS^T Q_h
      kernels::cpu::gemm(false, false, L, dh, L, scale, dp.data(), L, k.data() + off, D, 0.0f,
                         g.dq.data() + off, D);
      kernels::cpu::gemm(true, false, L, dh, L, scale, dp.data(), L, q.data() + off, D, 0.0f,
                         g.dk.data() + off, D);
    }
  }
  return g;
}

Tensor causal_attention_value_relevance(const Tensor& v, const Tensor& probs,
                                        const Tensor& relevance_out, int64_t heads,
                                        double epsilon) {
  const Dims d = dims_of(v, heads, "causal_attention relevance");
  require_shape(probs, {d.batch, heads, d.length, d.length}, "causal_attention relevance: probs");
  require_shape(relevance_out, v.shape(), "causal_attention relevance: relevance_out");
  const int64_t L = d.length, D = d.width, dh = d.head_dim;
  // z = R_o / stabilised o, then R_v = v * P^T z per head, all in double and
  // with o re-summed in double from the very contributions P[t, j] v[j] that
  // share it out: an output near zero makes large shares of both signs, and
  // the float o of the forward pass, rounded differently, would not cancel
  // them.
  std::vector<double> z(static_cast<size_t>(v.numel()));
  const float* r = relevance_out.data();
  for (int64_t b = 0; b < d.batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t off = b * L * D + h * dh;
      const float* p = probs.data() + (b * heads + h) * L * L;
      for (int64_t t = 0; t < L; ++t) {
        for (int64_t c = 0; c < dh; ++c) {
          double o = 0.0;
          for (int64_t j = 0; j <= t; ++j)
            o += static_cast<double>(p[t * L + j]) * v.data()[off + j * D + c];
          const double den = lrp_stabilise(o, epsilon);
          const int64_t i = off + t * D + c;
          z[static_cast<size_t>(i)] = den == 0.0 ? 0.0 : r[i] / den;
        }
      }
    }
  }
  Tensor rv(v.shape());  // [B, L, D]
  std::vector<double> acc(static_cast<size_t>(dh));
  for (int64_t b = 0; b < d.batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t off = b * L * D + h * dh;
      const float* p = probs.data() + (b * heads + h) * L * L;
      for (int64_t j = 0; j < L; ++j) {
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t t = j; t < L; ++t) {
          const double w = p[t * L + j];
          const double* zt = z.data() + off + t * D;
          for (int64_t c = 0; c < dh; ++c)
            acc[static_cast<size_t>(c)] += w * zt[c];
        }
        const float* vj = v.data() + off + j * D;
        float* rj = rv.data() + off + j * D;
        for (int64_t c = 0; c < dh; ++c)
          rj[c] = static_cast<float>(vj[c] * acc[static_cast<size_t>(c)]);
      }
    }
  }
  return rv;
}

}  // namespace core
