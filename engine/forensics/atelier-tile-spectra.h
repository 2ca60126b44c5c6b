/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Power spectra of one square tile of an image, the raw material of the
 * AI-artifact detector: the luminance (for the radial and angular energy
 * distributions), the cross-difference residual of each colour channel
 * (for periodic up-sampling peaks, after Bammey's Synthbuster), the
 * Laplacian residual of the luminance (peaks on the axes, where the cross
 * difference is blind, and periodic peaks off the up-sampling grids) and the
 * residuals' cross spectra between channels (how much colour the fine
 * detail carries). Native pixels, no resampling; a Hann window keeps the
 * tile's borders from smearing energy along the axes. */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

#define ATELIER_TILE_SPECTRA_CHANNELS 3

/* Every spectrum is the non-redundant half of a real FFT: (size, size / 2 + 1),
 * row v holds vertical frequency v (wrapping past size / 2 to negative),
 * column u horizontal frequency u >= 0. */
typedef struct
{
  int size;
  float *luminance;                                /* (size, size / 2 + 1); NULL when not wanted */
  /* (size, size / 2 + 1): of 4 Y(x, y) - Y(x - 1, y) - Y(x + 1, y) - Y(x, y - 1)
   * - Y(x, y + 1), the luminance's Laplacian residual. A high-pass before
   * the window keeps the strong low frequencies from leaking into the weak
   * high ones (the whitening of Corvi et al. 2023's residual spectra). */
  float *laplacian;
  float *residual[ATELIER_TILE_SPECTRA_CHANNELS];  /* (size, size / 2 + 1) each: R, G, B */
  /* (size, size / 2 + 1) each: Re (X_c conj X_c+1) of the residuals' spectra
   * for the pairs R-G, G-B, B-R; a sum of them over a band is the pair's
   * covariance there (Parseval). */
  float *residual_cross[ATELIER_TILE_SPECTRA_CHANNELS];
} AtelierTileSpectra;

/* Zeroed spectra, for a sum over tiles (Welch's average); @with_luminance
 * FALSE: no luminance plane, and the analyser computes none (a fifth of its
 * FFTs), for a classifier that weighs none of its features. */
AtelierTileSpectra *atelier_tile_spectra_new (int size, gboolean with_luminance);
void atelier_tile_spectra_free (AtelierTileSpectra *spectra);
void atelier_tile_spectra_accumulate (AtelierTileSpectra *sum, const AtelierTileSpectra *tile);
void atelier_tile_spectra_scale (AtelierTileSpectra *spectra, float factor);
static inline gsize atelier_tile_spectra_bins (int size) { return (gsize) size * (size / 2 + 1); }

/* The expected residual power in bin (@u, @v) of noise that is white, of unit
 * variance, in each channel: the cross difference's gain there times the
 * window's energy. Rounding pixels to a step q is such noise, of variance
 * q^2 / 12. */
double atelier_tile_spectra_white_residual_power (int size, int u, int v);

/* FFT plans and scratch for one thread. FFTW executes a plan on any aligned
 * buffers from any thread, but its planner is not reentrant, so every
 * analyser is planned in the caller's thread before work is handed out. */
typedef struct _AtelierSpectrumAnalyser AtelierSpectrumAnalyser;

/* @size: a power of two from 16 to 1024. */
AtelierSpectrumAnalyser *atelier_spectrum_analyser_new (int size, GError **error);
void atelier_spectrum_analyser_free (AtelierSpectrumAnalyser *analyser);

/* The spectra of the size x size tile at (@x, @y) of @image (1, C, H, W),
 * C = 1 or 2 (grey, grey + alpha: the grey channel is used for every colour)
 * or 3, 4 (RGB, RGBA). Alpha is ignored: a detector judges the pixels a
 * viewer sees. Overwrites @out's planes (the luminance when it has one). */
void atelier_spectrum_analyser_run (AtelierSpectrumAnalyser *analyser, const AtelierTensor *image, gint64 x,
                                    gint64 y, AtelierTileSpectra *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierTileSpectra, atelier_tile_spectra_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierSpectrumAnalyser, atelier_spectrum_analyser_free)

G_END_DECLS
