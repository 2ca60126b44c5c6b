/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-spectral-bins.h"

#include "forensics/atelier-tile-spectra.h"

#include <math.h>

#define RINGS ATELIER_SPECTRAL_RINGS
#define SECTORS ATELIER_SPECTRAL_SECTORS
#define CHROMA_BANDS ATELIER_SPECTRAL_CHROMA_BANDS

/* Upper edges of the chroma bands as fractions of Nyquist: JPEG's 4:2:0
 * subsampling leaves the lower two; the last band is the corners beyond
 * Nyquist on the axes. */
static const double chroma_band_tops[CHROMA_BANDS - 1] = { 0.25, 0.5, 1 };

static AtelierSpectralBin
locate (double fu, double fv, gboolean unmirrored, int half)
{
  const double f = hypot (fu, fv);
  AtelierSpectralBin bin = { .weight = unmirrored ? 1 : 2, .ring16 = ATELIER_SPECTRAL_NOWHERE,
                             .sector = ATELIER_SPECTRAL_NOWHERE, .ring = ATELIER_SPECTRAL_NOWHERE };
  if (f == 0)
    {
      bin.weight = 0;
      return bin;
    }
  bin.chroma_band = 0;
  while (bin.chroma_band < CHROMA_BANDS - 1 && f > chroma_band_tops[bin.chroma_band])
    bin.chroma_band++;
  if (f > 1)
    return bin;
  bin.ring16 = (gint8) MIN (RINGS - 1, (int) ceil (f * RINGS) - 1);
  bin.ring = (gint16) lround (f * half);
  bin.below_nyquist = f > 0.9;
  if (f >= 0.25)
    {
      double theta = atan2 (fv, fu);
      if (theta < 0)
        theta += G_PI;
      bin.sector = (gint8) ((int) floor (theta / (G_PI / SECTORS) + 0.5) % SECTORS);
    }
  return bin;
}

static void
find_runs (AtelierSpectralBins *bins)
{
  const int columns = bins->size / 2 + 1;
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (AtelierSpectralBinRun));
  for (int v = 0; v < bins->size; v++)
    for (int u = 0; u < columns; u++)
      {
        const guint32 at = (guint32) (v * columns + u);
        const AtelierSpectralBin *bin = &bins->bins[at];
        if (bin->weight == 0)
          continue;
        AtelierSpectralBinRun *last = runs->len ? &g_array_index (runs, AtelierSpectralBinRun, runs->len - 1) : NULL;
        if (u > 0 && last != NULL && last->start + last->length == at && last->chroma_band == bin->chroma_band
            && last->weight == bin->weight)
          last->length++;
        else
          g_array_append_val (runs, ((AtelierSpectralBinRun) { at, 1, bin->chroma_band, bin->weight }));
      }
  bins->n_runs = (int) runs->len;
  bins->runs = (AtelierSpectralBinRun *) g_array_free (runs, FALSE);
}

AtelierSpectralBins *
atelier_spectral_bins_new (int size)
{
  g_return_val_if_fail (size >= 16 && size <= 1024 && (size & (size - 1)) == 0, NULL);
  const int half = size / 2;
  AtelierSpectralBins *bins = g_new0 (AtelierSpectralBins, 1);
  bins->size = size;
  bins->bins = g_new (AtelierSpectralBin, (gsize) size * (half + 1));
  for (int v = 0; v < size; v++)
    {
      const double fv = (double) (v <= half ? v : v - size) / half;
      for (int u = 0; u <= half; u++)
        {
          const AtelierSpectralBin bin = locate ((double) u / half, fv, u == 0 || u == half, half);
          bins->bins[(gsize) v * (half + 1) + u] = bin;
          if (bin.weight == 0)
            continue;
          bins->white_residual_power[bin.chroma_band]
            += bin.weight * atelier_tile_spectra_white_residual_power (size, u, v);
          bins->band_weight[bin.chroma_band] += bin.weight;
        }
    }
  find_runs (bins);
  return bins;
}

void
atelier_spectral_bins_free (AtelierSpectralBins *bins)
{
  if (bins == NULL)
    return;
  g_free (bins->bins);
  g_free (bins->runs);
  g_free (bins);
}

/* Four partial sums, not one chain of dependent additions: a run is up to 129 bins. */
static double
run_sum (const float *values, int length)
{
  double partial[4] = { 0 };
  int i = 0;
  for (; i + 4 <= length; i += 4)
    for (int k = 0; k < 4; k++)
      partial[k] += values[i + k];
  for (; i < length; i++)
    partial[0] += values[i];
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

void
atelier_spectral_bins_band_sums (const AtelierSpectralBins *bins, const float *plane,
                                 double sums[ATELIER_SPECTRAL_CHROMA_BANDS])
{
  for (int r = 0; r < bins->n_runs; r++)
    {
      const AtelierSpectralBinRun *run = &bins->runs[r];
      sums[run->chroma_band] += run->weight * run_sum (plane + run->start, run->length);
    }
}
