/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/vector-exp.h"

#include <math.h>

/* Cephes' expf: x = n ln2 + r with |r| <= ln2/2 (Cody-Waite: ln2 split into a
 * part exact in float and a correction), exp(r) by a degree-5 minimax
 * polynomial, 2^n built in the exponent bits. Written with GCC's vector
 * extensions because libm's expf is a call per element that no compiler
 * vectorises; per clone, the vectors become AVX-512, AVX2 or SSE2 code. */

typedef float FloatVector __attribute__ ((vector_size (32)));
typedef int IntVector __attribute__ ((vector_size (32)));
#define LANES 8

#define EXP_HIGH 88.0f
#define EXP_LOW (-87.33654022216797f)
#define LOG2E 1.44269504088896341f
#define LN2_HIGH 0.693359375f
#define LN2_LOW (-2.12194440e-4f)
/* Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer. */
#define ROUNDING_MAGIC 12582912.0f

#define splat(value) ((FloatVector) { value, value, value, value, value, value, value, value })

/* In place through a pointer: a 32-byte vector passed by value would change
 * the ABI between the clones. Always inlined, like exp_shifted_inplace: a
 * function of its own would be compiled once, for the baseline SSE2, and
 * called from every clone (the softmax then ran 2.4 times slower). */
static inline __attribute__ ((always_inline)) void
exp_vector (FloatVector *values)
{
  FloatVector x = *values;
  const IntVector above = x > splat (EXP_HIGH), below = x < splat (EXP_LOW);
  x = (FloatVector) (((IntVector) x & ~above) | ((IntVector) splat (EXP_HIGH) & above));
  x = (FloatVector) (((IntVector) x & ~below) | ((IntVector) splat (EXP_LOW) & below));
  const FloatVector n = (x * splat (LOG2E) + splat (ROUNDING_MAGIC)) - splat (ROUNDING_MAGIC);
  const FloatVector r = x - n * splat (LN2_HIGH) - n * splat (LN2_LOW);
  FloatVector p = splat (1.9875691500e-4f);
  p = p * r + splat (1.3981999507e-3f);
  p = p * r + splat (8.3334519073e-3f);
  p = p * r + splat (4.1665795894e-2f);
  p = p * r + splat (1.6666665459e-1f);
  p = p * r + splat (5.0000001201e-1f);
  p = p * r * r + r + splat (1.0f);
  const IntVector two_to_n = (__builtin_convertvector (n, IntVector) + 127) << 23;
  *values = p * (FloatVector) two_to_n;
}

/* x = exp(x - shift). The tail of fewer than LANES values goes through the same polynomial, so every
 * element gets the same rounding. */
static inline __attribute__ ((always_inline)) void
exp_shifted_inplace (float *x, gint64 n, float shift)
{
  gint64 i = 0;
  FloatVector v;
  for (; i + LANES <= n; i += LANES)
    {
      __builtin_memcpy (&v, x + i, sizeof v);
      v -= shift;
      exp_vector (&v);
      __builtin_memcpy (x + i, &v, sizeof v);
    }
  if (i == n)
    return;
  v = splat (0.0f);
  __builtin_memcpy (&v, x + i, sizeof (float) * (size_t) (n - i));
  v -= shift;
  exp_vector (&v);
  __builtin_memcpy (x + i, &v, sizeof (float) * (size_t) (n - i));
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__ ((target_clones ("avx512f", "avx2", "default")))
#endif
void
atelier_exp_inplace (float *x, gint64 n)
{
  exp_shifted_inplace (x, n, 0.0f);
}

static inline float
lane_max (FloatVector v)
{
  float m = v[0];
  for (int l = 1; l < LANES; l++)
    m = v[l] > m ? v[l] : m;
  return m;
}

static inline float
lane_sum (FloatVector v)
{
  float s = 0.0f;
  for (int l = 0; l < LANES; l++)
    s += v[l];
  return s;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__ ((target_clones ("avx512f", "avx2", "default")))
#endif
void
atelier_softmax_row (float *x, gint64 n)
{
  const gint64 whole = n - n % LANES;
  FloatVector top = splat (-INFINITY);
  for (gint64 i = 0; i < whole; i += LANES)
    {
      FloatVector v;
      __builtin_memcpy (&v, x + i, sizeof v);
      const IntVector greater = v > top;
      top = (FloatVector) (((IntVector) v & greater) | ((IntVector) top & ~greater));
    }
  float max = lane_max (top);
  for (gint64 i = whole; i < n; i++)
    max = x[i] > max ? x[i] : max;

  exp_shifted_inplace (x, n, max);
  /* Eight running sums in float: rows are attention's key counts, a few thousand at most. */
  FloatVector sums = splat (0.0f);
  for (gint64 i = 0; i < whole; i += LANES)
    {
      FloatVector v;
      __builtin_memcpy (&v, x + i, sizeof v);
      sums += v;
    }
  float sum = lane_sum (sums);
  for (gint64 i = whole; i < n; i++)
    sum += x[i];
  const float inverse = 1.0f / sum;
  for (gint64 i = 0; i < n; i++)
    x[i] *= inverse;
}
