/*
 * Fused ViT kernels for TensorFlow.js's wasm backend, in WebAssembly SIMD (128-bit).
 *
 * This module imports the tfjs-wasm module's memory and works on its tensors in place: every
 * pointer below is a byte offset into that heap, given by the caller. It has no data segment and
 * uses no shadow stack (the caller moves __stack_pointer into a block it owns anyway), so it never
 * writes outside the buffers it is handed.
 *
 * Why these three: in a ViT-S/14 forward pass on tfjs-wasm, attention as separate kernels
 * (per-head split, transposes, two products, softmax) and GELU's scalar erf took ~35 % of the
 * time, while the linear layers already run in XNNPACK. Build: scripts/build-kernels.sh.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef float f32;

static inline v128_t splat(f32 x) { return wasm_f32x4_splat(x); }
static inline v128_t madd(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }

/* erf as Eigen's rational approximation on [-4, 4] (|error| < 5e-7 against erf in double). */
static inline v128_t erf4(v128_t x) {
  x = wasm_f32x4_pmax(wasm_f32x4_pmin(x, splat(4.f)), splat(-4.f));
  v128_t x2 = wasm_f32x4_mul(x, x);
  v128_t p = splat(-2.72614225801306e-10f);
  p = madd(p, x2, splat(2.77068142495902e-08f));
  p = madd(p, x2, splat(-2.10102402082508e-06f));
  p = madd(p, x2, splat(-5.69250639462346e-05f));
  p = madd(p, x2, splat(-7.34990630326855e-04f));
  p = madd(p, x2, splat(-2.95459980854025e-03f));
  p = madd(p, x2, splat(-1.60960333262415e-02f));
  p = wasm_f32x4_mul(p, x);
  v128_t q = splat(-1.45660718464996e-05f);
  q = madd(q, x2, splat(-2.13374055278905e-04f));
  q = madd(q, x2, splat(-1.68282697438203e-03f));
  q = madd(q, x2, splat(-7.37332916720468e-03f));
  q = madd(q, x2, splat(-1.42647390514189e-02f));
  return wasm_f32x4_div(p, q);
}

/* exp for x <= 0 (softmax after its max is taken off), Cephes' expf: relative error ~1e-7. */
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_pmax(x, splat(-87.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, splat(1.44269504088896341f)));
  v128_t f = madd(n, splat(-0.693359375f), x);
  f = madd(n, splat(2.12194440e-4f), f);
  v128_t p = splat(1.9875691500e-4f);
  p = madd(p, f, splat(1.3981999507e-3f));
  p = madd(p, f, splat(8.3334519073e-3f));
  p = madd(p, f, splat(4.1665795894e-2f));
  p = madd(p, f, splat(1.6666665459e-1f));
  p = madd(p, f, splat(5.0000001201e-1f));
  p = madd(wasm_f32x4_mul(p, f), f, wasm_f32x4_add(f, splat(1.f)));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

/* y = x * (1 + erf(x / sqrt 2)) / 2, the exact GELU the authors' nn.GELU computes. */
EXPORT(gelu) void gelu(const f32 *x, f32 *y, int n) {
  const v128_t half = splat(0.5f), one = splat(1.f), r2 = splat(0.70710678118654752f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_add(one, erf4(wasm_f32x4_mul(v, r2)))));
  }
  for (; i < n; i++) {
    f32 e = wasm_f32x4_extract_lane(erf4(splat(x[i] * 0.70710678118654752f)), 0);
    y[i] = 0.5f * x[i] * (1.f + e);
  }
}

static inline f32 hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

/* Layer norm over the last axis of x [rows, dim]: two passes over each row, as torch does. */
EXPORT(layer_norm) void layer_norm(const f32 *x, const f32 *w, const f32 *b, f32 *y, int rows, int dim, f32 eps) {
  for (int r = 0; r < rows; r++) {
    const f32 *row = x + (long)r * dim;
    f32 *out = y + (long)r * dim;
    v128_t acc = splat(0.f);
    int i = 0;
    for (; i + 4 <= dim; i += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(row + i));
    f32 sum = hsum(acc);
    for (; i < dim; i++) sum += row[i];
    const f32 mean = sum / dim;
    const v128_t m = splat(mean);
    acc = splat(0.f);
    for (i = 0; i + 4 <= dim; i += 4) {
      v128_t c = wasm_f32x4_sub(wasm_v128_load(row + i), m);
      acc = madd(c, c, acc);
    }
    f32 sq = hsum(acc);
    for (; i < dim; i++) sq += (row[i] - mean) * (row[i] - mean);
    const f32 rstd = 1.f / __builtin_sqrtf(sq / dim + eps);
    const v128_t s = splat(rstd);
    for (i = 0; i + 4 <= dim; i += 4) {
      v128_t c = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(row + i), m), s);
      wasm_v128_store(out + i, madd(c, wasm_v128_load(w + i), wasm_v128_load(b + i)));
    }
    for (; i < dim; i++) out[i] = (row[i] - mean) * rstd * w[i] + b[i];
  }
}

/*
 * Scaled dot-product attention of every head, read from the qkv layer's output and written in
 * the layout the proj layer reads: no per-head split, no transposes.
 *   qkv [B * N, 3 * H * hd]: a token's row is q (head 0..H-1), then k, then v.
 *   out [B * N, H * hd]; scratch: (hd + 4) * roundup(N, 8) floats. hd must be a multiple of 4.
 *   Heads h0 .. h1 - 1 only: two threads each take a share (simdKernels.ts), each with its scratch.
 * Four query rows at a time: their scores against every key (kᵀ made contiguous once per head),
 * softmax, then their weighted sum of the values, so the scores never leave a 4-row block.
 */
EXPORT(attention) void attention(const f32 *qkv, f32 *out, f32 *scratch, int B, int N, int H, int hd, f32 scale, int h0, int h1) {
  const int D = H * hd, ld = 3 * D, Np = (N + 7) & ~7;
  f32 *kT = scratch, *s = scratch + (long)hd * Np;
  const v128_t sc = splat(scale);
  for (int bi = 0; bi < B; bi++) {
    const f32 *base = qkv + (long)bi * N * ld;
    for (int h = h0; h < h1; h++) {
      const f32 *q = base + h * hd, *k = base + D + h * hd, *v = base + 2 * D + h * hd;
      for (int j = 0; j < N; j++)
        for (int d = 0; d < hd; d++) kT[(long)d * Np + j] = k[(long)j * ld + d];
      for (int d = 0; d < hd; d++)
        for (int j = N; j < Np; j++) kT[(long)d * Np + j] = 0.f;
      for (int i0 = 0; i0 < N; i0 += 4) {
        const int m = N - i0 < 4 ? N - i0 : 4;
        // Rows past the end repeat the last one: same work, results not stored.
        const f32 *q0 = q + (long)(i0) * ld, *q1 = q + (long)(i0 + (m > 1)) * ld, *q2 = q + (long)(i0 + (m > 2 ? 2 : m - 1)) * ld, *q3 = q + (long)(i0 + m - 1) * ld;
        for (int j = 0; j < Np; j += 8) {
          v128_t a00 = splat(0.f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
          const f32 *kc = kT + j;
          for (int d = 0; d < hd; d++, kc += Np) {
            const v128_t k0 = wasm_v128_load(kc), k1 = wasm_v128_load(kc + 4);
            v128_t x = wasm_v128_load32_splat(q0 + d);
            a00 = madd(x, k0, a00), a01 = madd(x, k1, a01);
            x = wasm_v128_load32_splat(q1 + d);
            a10 = madd(x, k0, a10), a11 = madd(x, k1, a11);
            x = wasm_v128_load32_splat(q2 + d);
            a20 = madd(x, k0, a20), a21 = madd(x, k1, a21);
            x = wasm_v128_load32_splat(q3 + d);
            a30 = madd(x, k0, a30), a31 = madd(x, k1, a31);
          }
          wasm_v128_store(s + j, wasm_f32x4_mul(a00, sc)), wasm_v128_store(s + j + 4, wasm_f32x4_mul(a01, sc));
          wasm_v128_store(s + Np + j, wasm_f32x4_mul(a10, sc)), wasm_v128_store(s + Np + j + 4, wasm_f32x4_mul(a11, sc));
          wasm_v128_store(s + 2 * Np + j, wasm_f32x4_mul(a20, sc)), wasm_v128_store(s + 2 * Np + j + 4, wasm_f32x4_mul(a21, sc));
          wasm_v128_store(s + 3 * Np + j, wasm_f32x4_mul(a30, sc)), wasm_v128_store(s + 3 * Np + j + 4, wasm_f32x4_mul(a31, sc));
        }
        for (int r = 0; r < m; r++) {
          f32 *row = s + (long)r * Np;
          f32 max = row[0];
          for (int j = 1; j < N; j++) max = row[j] > max ? row[j] : max;
          // Padding columns become exp(-87 ...) ~ 0 and are never read by the sum below.
          const v128_t mx = splat(max);
          v128_t acc = splat(0.f);
          int j = 0;
          for (; j + 4 <= N; j += 4) {
            v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(row + j), mx));
            wasm_v128_store(row + j, e);
            acc = wasm_f32x4_add(acc, e);
          }
          f32 sum = hsum(acc);
          for (; j < N; j++) {
            row[j] = wasm_f32x4_extract_lane(exp4(splat(row[j] - max)), 0);
            sum += row[j];
          }
          const v128_t inv = splat(1.f / sum);
          for (j = 0; j + 4 <= N; j += 4) wasm_v128_store(row + j, wasm_f32x4_mul(wasm_v128_load(row + j), inv));
          for (; j < N; j++) row[j] *= 1.f / sum;
        }
        for (int c = 0; c < hd; c += 4) {
          const int two = c + 8 <= hd;
          v128_t a00 = splat(0.f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
          const f32 *vc = v + c;
          for (int j = 0; j < N; j++, vc += ld) {
            const v128_t v0 = wasm_v128_load(vc), v1 = two ? wasm_v128_load(vc + 4) : v0;
            v128_t x = splat(s[j]);
            a00 = madd(x, v0, a00), a01 = madd(x, v1, a01);
            x = splat(s[Np + j]);
            a10 = madd(x, v0, a10), a11 = madd(x, v1, a11);
            x = splat(s[2 * Np + j]);
            a20 = madd(x, v0, a20), a21 = madd(x, v1, a21);
            x = splat(s[3 * Np + j]);
            a30 = madd(x, v0, a30), a31 = madd(x, v1, a31);
          }
          f32 *o = out + ((long)bi * N + i0) * D + h * hd + c;
          // Named stores, not an array indexed by r: an array would live on the shadow stack.
          wasm_v128_store(o, a00);
          if (two) wasm_v128_store(o + 4, a01);
          if (m > 1) {
            wasm_v128_store(o + D, a10);
            if (two) wasm_v128_store(o + D + 4, a11);
          }
          if (m > 2) {
            wasm_v128_store(o + 2 * D, a20);
            if (two) wasm_v128_store(o + 2 * D + 4, a21);
          }
          if (m > 3) {
            wasm_v128_store(o + 3 * D, a30);
            if (two) wasm_v128_store(o + 3 * D + 4, a31);
          }
          if (two) c += 4;
        }
      }
    }
  }
}

/*
 * Patch embedding's input: pixels [B, C, H, W] to rows [B * rows * cols, C * p * p], one row a
 * patch in (channel, y, x) order, as the authors' Conv2d weight reads it. tfjs does this as a
 * generic 6-D transpose, ~2 % of a ViT-S forward pass; here it is row copies.
 */
EXPORT(patchify) void patchify(const f32 *pixels, f32 *out, int B, int C, int H, int W, int p) {
  const int rows = H / p, cols = W / p;
  for (int b = 0; b < B; b++)
    for (int r = 0; r < rows; r++)
      for (int k = 0; k < cols; k++) {
        f32 *o = out + (((long)b * rows + r) * cols + k) * C * p * p;
        for (int c = 0; c < C; c++)
          for (int y = 0; y < p; y++) {
            const f32 *src = pixels + (((long)b * C + c) * H + r * p + y) * W + k * p;
            for (int x = 0; x < p; x++) *o++ = src[x];
          }
      }
}

/* A block's residual with its layer scale, x + y * gamma over rows of dim: one pass, not two kernels. */
EXPORT(scaled_add) void scaled_add(const f32 *x, const f32 *y, const f32 *gamma, f32 *out, int rows, int dim) {
  for (int r = 0; r < rows; r++) {
    const long o = (long)r * dim;
    int i = 0;
    for (; i + 4 <= dim; i += 4) wasm_v128_store(out + o + i, madd(wasm_v128_load(y + o + i), wasm_v128_load(gamma + i), wasm_v128_load(x + o + i)));
    for (; i < dim; i++) out[o + i] = x[o + i] + y[o + i] * gamma[i];
  }
}
