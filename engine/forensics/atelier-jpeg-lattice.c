/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-jpeg-lattice.h"

#include <math.h>

#define BLOCK 8
#define MAX_BLOCKS 4096
/* The coefficients 1 <= u + v <= 4: their steps are 1-4 at quality 95 and
 * grow as the quality falls; below them the image content, above them the
 * steps are large enough that most coefficients are 0. */
#define POSITIONS 14
#define LARGEST_STEP 32
/* How many coefficients a step needs beyond half of it to be judged. */
#define FEWEST_JUDGED 64
/* The mean cosine of the coefficients' phase on a lattice of step Q, with
 * the decoder's rounding (about 0.35 levels in a coefficient: Y rounded, then
 * R, G, B): exp (-2 pi^2 0.35^2 / Q^2), 0.55 at Q = 2 and more above. A
 * smooth distribution's tail beyond Q / 2 gives at most 0 (its phase starts at
 * a half period), and noise over 64 coefficients about 0.09. */
#define LATTICE_COSINE 0.45
/* Positions on a lattice for the image to count as a JPEG: a few, as a
 * camera's own table may leave some steps at 1. */
#define FEWEST_POSITIONS 3

typedef struct
{
  int u, v;
} Position;

static const Position positions[POSITIONS] = {
  { 1, 0 }, { 0, 1 }, { 2, 0 }, { 1, 1 }, { 0, 2 }, { 3, 0 }, { 2, 1 },
  { 1, 2 }, { 0, 3 }, { 4, 0 }, { 3, 1 }, { 2, 2 }, { 1, 3 }, { 0, 4 },
};

/* JPEG's DCT (ITU-T T.81 A.3.3) of the luminance block at (@bx, @by), in
 * levels of 255, for the chosen positions. */
static void
block_coefficients (const AtelierTensor *image, gint64 bx, gint64 by, const double basis[BLOCK][BLOCK],
                    float out[POSITIONS])
{
  const gint64 channels = atelier_tensor_c (image), width = atelier_tensor_w (image);
  const gsize plane = (gsize) atelier_tensor_h (image) * width;
  const float *r = image->data, *g = channels >= 3 ? r + plane : r, *b = channels >= 3 ? r + 2 * plane : r;
  double luma[BLOCK][BLOCK];
  for (int y = 0; y < BLOCK; y++)
    for (int x = 0; x < BLOCK; x++)
      {
        const gsize at = (gsize) (by * BLOCK + y) * width + bx * BLOCK + x;
        luma[y][x] = 255 * (0.299 * r[at] + 0.587 * g[at] + 0.114 * b[at]);
      }
  for (int p = 0; p < POSITIONS; p++)
    {
      double sum = 0;
      for (int y = 0; y < BLOCK; y++)
        for (int x = 0; x < BLOCK; x++)
          sum += luma[y][x] * basis[positions[p].u][x] * basis[positions[p].v][y];
      out[p] = (float) sum;
    }
}

/* Whether the coefficients of one position lie on multiples of some step 2..LARGEST_STEP. */
static gboolean
on_a_lattice (const float *c, gint64 n)
{
  for (int step = 2; step <= LARGEST_STEP; step++)
    {
      double cosines = 0;
      gint64 judged = 0;
      for (gint64 i = 0; i < n; i++)
        if (fabsf (c[i]) > step / 2.0f)
          {
            cosines += cos (2 * G_PI * c[i] / step);
            judged++;
          }
      if (judged >= FEWEST_JUDGED && cosines / judged > LATTICE_COSINE)
        return TRUE;
    }
  return FALSE;
}

gboolean
atelier_jpeg_lattice_found (const AtelierTensor *image)
{
  const gint64 blocks_x = atelier_tensor_w (image) / BLOCK, blocks_y = atelier_tensor_h (image) / BLOCK;
  const gint64 blocks = blocks_x * blocks_y;
  if (blocks_x < 2 || blocks_y < 2)
    return FALSE;
  double basis[BLOCK][BLOCK];
  for (int k = 0; k < BLOCK; k++)
    for (int x = 0; x < BLOCK; x++)
      basis[k][x] = (k == 0 ? sqrt (0.125) : 0.5) * cos ((2 * x + 1) * k * G_PI / 16);
  const gint64 every = (blocks + MAX_BLOCKS - 1) / MAX_BLOCKS, n = (blocks + every - 1) / every;
  g_autofree float *coefficients = g_new (float, (gsize) POSITIONS * n);
  g_autofree float *block = g_new (float, POSITIONS);
  for (gint64 i = 0; i < n; i++)
    {
      block_coefficients (image, (i * every) % blocks_x, (i * every) / blocks_x, basis, block);
      for (int p = 0; p < POSITIONS; p++)
        coefficients[(gsize) p * n + i] = block[p];
    }
  int found = 0;
  for (int p = 0; p < POSITIONS && found < FEWEST_POSITIONS; p++)
    found += on_a_lattice (coefficients + (gsize) p * n, n);
  return found >= FEWEST_POSITIONS;
}
