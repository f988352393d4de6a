// The FMA peak of one core, in GFLOP/s: independent chains of fused multiply-adds on the widest
// vectors the compiler targets (-march=native), enough of them to cover the FMA units' latency.
// bench/harness.py builds and runs it so that every efficiency it prints is a fraction of a
// figure measured on the same machine, not of a datasheet's.
// usage: fma_peak [SECONDS]       prints {"gflops": G, "lanes": L, "seconds": S}
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <immintrin.h>

namespace {

#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec splat(float x) { return _mm512_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline float first(Vec v) { return _mm512_cvtss_f32(v); }
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
inline Vec splat(float x) { return _mm256_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline float first(Vec v) { return _mm256_cvtss_f32(v); }
#else
#error "fma_peak needs AVX2 and FMA"
#endif

// 2 FMA ports x 4-cycle latency = 8 chains in flight; 12 leaves room for a 6-cycle latency.
constexpr int kChains = 12;

float run(long iterations) {
  Vec acc[kChains];
  for (int c = 0; c < kChains; ++c)
    acc[c] = splat(1.0f + c * 1e-3f);
  const Vec a = splat(0.999999f), b = splat(1e-7f);
  for (long i = 0; i < iterations; ++i) {
    // Unrolled so that the chains live in registers, not in a stack array.
#pragma GCC unroll 12
    for (int c = 0; c < kChains; ++c)
      acc[c] = fma(acc[c], a, b);
  }
  float sum = 0;
  for (int c = 0; c < kChains; ++c)
    sum += first(acc[c]);
  return sum;
}

} // namespace

int main(int argc, char **argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  using Clock = std::chrono::steady_clock;
  long iterations = 1 << 20;
  run(iterations); // warm-up: the clock ramps up
  double best = 0, spent = 0;
  float sink = 0;
  while (spent < seconds) {
    Clock::time_point start = Clock::now();
    sink += run(iterations);
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    spent += s;
    double flops = 2.0 * kLanes * kChains * static_cast<double>(iterations);
    if (flops / s > best)
      best = flops / s;
  }
  std::printf("{\"gflops\": %.2f, \"lanes\": %d, \"seconds\": %.3f, \"sink\": %g}\n", best * 1e-9,
              kLanes, spent, static_cast<double>(sink));
  return 0;
}
