//===- reference_update.h - nnrt_model.h's update formulas, in plain C++ --===//
//
// The per-element update that compiled training steps perform, written
// literally from the comment of `nnc_update` in float32: the fake model's
// training step applies it, and the optimizer tests check the runtime's
// coefficients through it against torch.optim.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_TESTS_REFERENCE_UPDATE_H
#define NNRT_TESTS_REFERENCE_UPDATE_H

#include "nnrt_model.h"

#include <cmath>
#include <cstddef>

inline void referenceUpdate(const nnc_update &u, float *p, const float *g,
                            float *s1, float *s2, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    if (u.rule == NNC_UPDATE_SGD) {
      float d = g[j] + u.weight_decay * p[j];
      s1[j] = u.keep * s1[j] + u.take * d;
      p[j] = p[j] - u.lr * (u.d_coef * d + u.s1_coef * s1[j]);
    } else {
      float gw = g[j] + u.weight_decay * p[j];
      p[j] = u.decay * p[j];
      s1[j] = u.keep * s1[j] + u.take * gw;
      s2[j] = u.keep2 * s2[j] + u.take2 * gw * gw;
      p[j] = p[j] - u.lr * s1[j] / (std::sqrt(s2[j]) / u.bias2_sqrt + u.eps);
    }
  }
}

#endif // NNRT_TESTS_REFERENCE_UPDATE_H
