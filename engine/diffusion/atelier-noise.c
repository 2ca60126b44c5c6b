/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "diffusion/atelier-noise.h"

#include <math.h>

#define CHUNK_PAIRS 4096

/* SplitMix64's output function (Steele, Lea and Flood 2014): a bijective mixer whose outputs for
 * consecutive inputs pass BigCrush, which is what makes a counter usable as a generator. */
static guint64
mix64 (guint64 z)
{
  z += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* In (0, 1]: never 0, so that the logarithm in Box-Muller is finite. */
static double
unit_interval (guint64 bits)
{
  return ((bits >> 11) + 1) * (1.0 / 9007199254740992.0);
}

typedef struct
{
  float *data;
  gint64 count;
  guint64 key;
} NoiseJob;

static void
fill_chunk (gint64 chunk, int worker, gpointer user_data)
{
  (void) worker;
  const NoiseJob *job = user_data;
  const gint64 first = chunk * CHUNK_PAIRS, last = MIN (first + CHUNK_PAIRS, (job->count + 1) / 2);
  for (gint64 pair = first; pair < last; pair++)
    {
      const double u1 = unit_interval (mix64 (job->key ^ mix64 (2 * (guint64) pair)));
      const double u2 = unit_interval (mix64 (job->key ^ mix64 (2 * (guint64) pair + 1)));
      const double radius = sqrt (-2.0 * log (u1));
      job->data[2 * pair] = (float) (radius * cos (2.0 * G_PI * u2));
      if (2 * pair + 1 < job->count)
        job->data[2 * pair + 1] = (float) (radius * sin (2.0 * G_PI * u2));
    }
}

void
atelier_noise_fill_normal (AtelierContext *ctx, AtelierTensor *tensor, guint64 seed, guint64 stream)
{
  NoiseJob job = { tensor->data, atelier_tensor_numel (tensor), mix64 (mix64 (seed) ^ stream) };
  const gint64 pairs = (job.count + 1) / 2;
  atelier_context_parallel_for (ctx, (pairs + CHUNK_PAIRS - 1) / CHUNK_PAIRS, fill_chunk, &job);
}
