/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "model/half-float.h"

#include <math.h>
#include <string.h>

float
atelier_half_to_float (guint16 h)
{
  const guint32 sign = (guint32) (h & 0x8000) << 16;
  const int exponent = (h >> 10) & 0x1f;
  const guint32 mantissa = h & 0x3ff;
  guint32 bits;
  if (exponent == 0 || exponent == 31)
    {
      const float magnitude = exponent == 0 ? ldexpf ((float) mantissa, -24) : mantissa ? NAN : INFINITY;
      memcpy (&bits, &magnitude, 4);
      bits |= sign;
    }
  else /* a normal half is a normal float with the exponent rebiased: no ldexpf, which was 4 % of Replace
          Background's time on a 2000x2000 photograph (ISNet's weights are converted at every load) */
    bits = sign | (guint32) (exponent - 15 + 127) << 23 | mantissa << 13;
  float out;
  memcpy (&out, &bits, 4);
  return out;
}

static void
convert_scalar (const guint8 *src, float *dst, gint64 n)
{
  for (gint64 i = 0; i < n; i++)
    {
      guint16 bits;
      memcpy (&bits, src + 2 * i, 2);
      dst[i] = atelier_half_to_float (GUINT16_FROM_LE (bits));
    }
}

#if defined(__x86_64__) && G_BYTE_ORDER == G_LITTLE_ENDIAN
#include <cpuid.h>
#include <immintrin.h>

/* From CPUID itself: clang 14's __builtin_cpu_supports knows no "f16c". AVX is asked of the builtin, which also
 * checks that the system saves the AVX registers. */
static gboolean
cpu_has_f16c (void)
{
  unsigned int eax, ebx, ecx, edx;
  return __get_cpuid (1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0 && __builtin_cpu_supports ("avx");
}

/* F16C converts exactly, subnormals included, as the scalar code does; only a NaN's payload may differ. */
__attribute__ ((target ("avx,f16c"))) static void
convert_f16c (const guint8 *src, float *dst, gint64 n)
{
  gint64 i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps (dst + i, _mm256_cvtph_ps (_mm_loadu_si128 ((const __m128i *) (src + 2 * i))));
  convert_scalar (src + 2 * i, dst + i, n - i);
}
#endif

void
atelier_half_to_float_array (const guint8 *src, float *dst, gint64 n)
{
#if defined(__x86_64__) && G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (cpu_has_f16c ())
    {
      convert_f16c (src, dst, n);
      return;
    }
#endif
  convert_scalar (src, dst, n);
}

guint16
atelier_float_to_half (float value)
{
  guint32 bits;
  memcpy (&bits, &value, 4);
  const guint16 sign = (bits >> 16) & 0x8000;
  const float a = fabsf (value);
  if (isnan (value))
    return sign | 0x7e00;
  if (a >= 65520.0f) /* rounds past the largest half, 65504 */
    return sign | 0x7c00;
  if (a < ldexpf (1.0f, -14))
    /* subnormal: units of 2^-24, nearbyintf rounds half to even */
    return sign | (guint16) nearbyintf (a * 16777216.0f);
  int exponent;
  float fraction = frexpf (a, &exponent); /* a = fraction * 2^exponent, fraction in [0.5, 1) */
  guint32 mantissa = (guint32) nearbyintf ((fraction * 2.0f - 1.0f) * 1024.0f);
  int biased = exponent - 1 + 15;
  if (mantissa == 1024)
    {
      mantissa = 0;
      biased++;
    }
  return sign | (guint16) (biased << 10) | (guint16) mantissa;
}

float
atelier_bfloat16_to_float (guint16 b)
{
  guint32 bits = (guint32) b << 16;
  float out;
  memcpy (&out, &bits, 4);
  return out;
}
