#include "core/nn/causal_depthwise_conv.h"

#include <vector>

#include "core/nn/lrp_rules.h"

namespace core {

void causal_depthwise_conv_forward(const DepthwiseConvShape& s, const float* u, const float* w,
                                   const float* bias, float* y) {
  const int64_t L = s.length, C = s.channels, K = s.taps;
  for (int64_t b = 0; b < s.batch; ++b) {
    const float* ub = u + b * L * C;
    float* yb = y + b * L * C;
    for (int64_t t = 0; t < L; ++t) {
      for (int64_t c = 0; c < C; ++c) {
        float acc = bias ? bias[c] : 0.0f;
        for (int64_t j = 0; j < K; ++j) {
          const int64_t src = t + j - (K - 1);
          if (src >= 0) acc += w[c * K + j] * ub[src * C + c];
        }
        yb[t * C + c] = acc;
      }
    }
  }
}

void causal_depthwise_conv_backward(const DepthwiseConvShape& s, const float* u, const float* w,
                                    const float* dy, float* du, float* dw, float* dbias) {
  const int64_t L = s.length, C = s.channels, K = s.taps;
  // Parameter sums in double, over the batch and time, then added once.
  std::vector<double> sum_w(static_cast<size_t>(C * K), 0.0);
  std::vector<double> sum_b(static_cast<size_t>(C), 0.0);
  for (int64_t b = 0; b < s.batch; ++b) {
    const float* ub = u + b * L * C;
    const float* dyb = dy + b * L * C;
    for (int64_t t = 0; t < L; ++t) {
      for (int64_t c = 0; c < C; ++c) {
        const double g = dyb[t * C + c];
        sum_b[static_cast<size_t>(c)] += g;
        for (int64_t j = 0; j < K; ++j) {
          const int64_t src = t + j - (K - 1);
          if (src >= 0) sum_w[static_cast<size_t>(c * K + j)] += g * ub[src * C + c];
        }
      }
    }
    if (du) {
      float* dub = du + b * L * C;
      for (int64_t src = 0; src < L; ++src) {
        for (int64_t c = 0; c < C; ++c) {
          float acc = 0.0f;
          for (int64_t j = 0; j < K; ++j) {
            const int64_t t = src - j + (K - 1);
            if (t < L) acc += w[c * K + j] * dyb[t * C + c];
          }
          dub[src * C + c] = acc;
        }
      }
    }
  }
  if (dw) {
    for (int64_t i = 0; i < C * K; ++i)
      dw[i] += static_cast<float>(sum_w[static_cast<size_t>(i)]);
  }
  if (dbias) {
    for (int64_t c = 0; c < C; ++c)
      dbias[c] += static_cast<float>(sum_b[static_cast<size_t>(c)]);
  }
}

void causal_depthwise_conv_relevance(const DepthwiseConvShape& s, const float* u, const float* w,
                                     const float* bias, const float* relevance_y, double epsilon,
                                     float* relevance_u) {
  const int64_t L = s.length, C = s.channels, K = s.taps;
  std::vector<double> z(static_cast<size_t>(L * C));
  for (int64_t b = 0; b < s.batch; ++b) {
    const int64_t off = b * L * C;
    for (int64_t t = 0; t < L; ++t) {
      for (int64_t c = 0; c < C; ++c) {
        double y = bias ? bias[c] : 0.0;
        for (int64_t j = 0; j < K; ++j) {
          const int64_t src = t + j - (K - 1);
          if (src >= 0) y += static_cast<double>(w[c * K + j]) * u[off + src * C + c];
        }
        const double den = lrp_stabilise(y, epsilon);
        z[static_cast<size_t>(t * C + c)] = den == 0.0 ? 0.0 : relevance_y[off + t * C + c] / den;
      }
    }
    for (int64_t src = 0; src < L; ++src) {
      for (int64_t c = 0; c < C; ++c) {
        double acc = 0.0;
        for (int64_t j = 0; j < K; ++j) {
          const int64_t t = src - j + (K - 1);
          if (t < L) acc += w[c * K + j] * z[static_cast<size_t>(t * C + c)];
        }
        relevance_u[off + src * C + c] = static_cast<float>(u[off + src * C + c] * acc);
      }
    }
  }
}

}  // namespace core
