/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Where every bin of a half spectrum falls among the detector's frequency
 * partitions (radial rings, angular sectors, chroma bands), worked out once
 * per tile size and read by every tile's features: a hypot and an atan2 per
 * bin and tile had been a fifth of a 12-megapixel analysis. */

#include <glib.h>

G_BEGIN_DECLS

#define ATELIER_SPECTRAL_NOWHERE (-1)
#define ATELIER_SPECTRAL_RINGS 16
#define ATELIER_SPECTRAL_SECTORS 8
#define ATELIER_SPECTRAL_CHROMA_BANDS 4

/* One bin at frequency f (a fraction of Nyquist, up to sqrt 2 in the corners). */
typedef struct
{
  guint8 weight;      /* 0 at zero frequency; 1 on the columns u = 0 and u = Nyquist, which have no mirror image; else 2 */
  gint8 ring16;       /* of 16 equal rings up to Nyquist; NOWHERE beyond it */
  gint8 sector;       /* of 8 half-open angular sectors, for 0.25 <= f <= 1; else NOWHERE */
  gint8 chroma_band;  /* of 4: f in (0, 1/4], (1/4, 1/2], (1/2, 1], beyond */
  gboolean below_nyquist; /* 0.9 < f <= 1 */
  gint16 ring;        /* lround (f * size / 2) for f <= 1; else NOWHERE */
} AtelierSpectralBin;

/* Consecutive bins of one row, all in one chroma band and of one weight: a
 * band's sum over a spectrum reads its runs as plain loops, where a pass
 * over the bins looking each one's band up took a tenth of a 12-megapixel
 * analysis. */
typedef struct
{
  guint32 start;      /* index of the first bin */
  guint16 length;
  gint8 chroma_band;
  guint8 weight;      /* 1 or 2 */
} AtelierSpectralBinRun;

typedef struct
{
  int size;
  AtelierSpectralBin *bins; /* (size, size / 2 + 1), laid out as AtelierTileSpectra's planes */
  /* Every bin of non-zero weight, in runs, in the bins' order. */
  AtelierSpectralBinRun *runs;
  int n_runs;
  /* Per chroma band, the weighted sum of atelier_tile_spectra_white_residual_power
   * over its bins: what unit white noise puts into the band. */
  double white_residual_power[ATELIER_SPECTRAL_CHROMA_BANDS];
  double band_weight[ATELIER_SPECTRAL_CHROMA_BANDS]; /* per chroma band, the sum of its bins' weights */
} AtelierSpectralBins;

/* @size: a power of two from 16 to 1024, as the spectra's. */
AtelierSpectralBins *atelier_spectral_bins_new (int size);
void atelier_spectral_bins_free (AtelierSpectralBins *bins);

/* Per chroma band, the weighted sum of @plane (size, size / 2 + 1) over the
 * band's bins, added to @sums. */
void atelier_spectral_bins_band_sums (const AtelierSpectralBins *bins, const float *plane,
                                      double sums[ATELIER_SPECTRAL_CHROMA_BANDS]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierSpectralBins, atelier_spectral_bins_free)

G_END_DECLS
