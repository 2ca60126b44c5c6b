/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The detector's features, computed from a tile's (or a Welch average's)
 * power spectra:
 * - the azimuthally averaged log power of the luminance in 16 rings up to the
 *   Nyquist frequency, minus its mean: the shape of the 1-D spectrum that
 *   Durall et al. (2020) found generators fail to reproduce;
 * - the high-frequency decay (Dzanic et al. 2020): log-log slopes of the radial
 *   spectrum in the middle and upper band, the upper fit's error, the
 *   excess just below Nyquist and the energy in the corners beyond it;
 * - the angular distribution of the upper-band energy in 8 sectors (Corvi et
 *   al. 2023): up-sampling is separable, so its traces favour axes and
 *   diagonals;
 * - periodic peaks of the cross-difference residual on the harmonic grids of
 *   periods 8 and 16 (Bammey 2023), per colour channel, each harmonic scored
 *   against the median of the ring of bins around it. The 16-grid counts only
 *   its harmonics that are not on the 8-grid, so JPEG's 8x8 blocks cannot
 *   reach it; the period-2 harmonic (demosaicing, JPEG chroma) is kept
 *   apart, and harmonics on the axes, where the cross difference is blind,
 *   are left out;
 * - the share of colour in the residual's energy in four frequency bands:
 *   camera detail is nearly grey;
 * - the spectrum of the luminance's Laplacian residual (Corvi et al. 2023
 *   find latent diffusion's up-sampling as periodic peaks in such residual
 *   spectra): its azimuthal average in 8 rings, peaks on the axes of the 8-
 *   and 16-grids (the cross difference is blind there), and per band the
 *   strongest bin off the 8-grid against the band's mean power, a periodic
 *   trace at any period (an up-sampling grid that resizing moved).
 * Every feature is a log ratio, so a gain or contrast change of the image
 * leaves it unchanged. */

#include "forensics/atelier-spectral-bins.h"
#include "forensics/atelier-tile-spectra.h"

G_BEGIN_DECLS

#define ATELIER_SPECTRAL_FEATURE_COUNT 63

/* What a feature tells a person, for the plain-words report. */
typedef enum
{
  ATELIER_SPECTRAL_CUE_ENERGY_DISTRIBUTION,
  ATELIER_SPECTRAL_CUE_HIGH_FREQUENCY_DECAY,
  ATELIER_SPECTRAL_CUE_DIRECTIONAL_ENERGY,
  ATELIER_SPECTRAL_CUE_GRID_8_PEAKS,
  ATELIER_SPECTRAL_CUE_GRID_16_PEAKS,
  ATELIER_SPECTRAL_CUE_NYQUIST_PEAKS,
  ATELIER_SPECTRAL_CUE_COLOUR_DETAIL,
  ATELIER_SPECTRAL_CUE_OFF_GRID_PEAKS,
  /* Not spectral: the residual CNN's pooled activations (atelier-residual-cnn.h). */
  ATELIER_SPECTRAL_CUE_LEARNED_RESIDUAL,
  ATELIER_SPECTRAL_CUE_COUNT,
} AtelierSpectralCue;

/* What an image went through that leaves a feature saying nothing of its
 * origin: the classifier then takes the feature at its training mean. */
typedef enum
{
  /* JPEG: its 8x8 blocks excite the 8-pixel grid's harmonics as up-sampling
   * layers do. */
  ATELIER_SPECTRAL_JPEG = 1 << 0,
  /* No colour (grey, or R = G = B everywhere): nothing for the chroma
   * features to measure. */
  ATELIER_SPECTRAL_GREY = 1 << 1,
  /* A chroma band's grey residual energy is under twice what rounding the
   * pixels to their file's levels (and a JPEG decoder's rounding) leaves: at
   * least half of what the band measures is rounding, whose noise, largely
   * independent in each channel, reads as colour (a soft image, a flat
   * region). */
  ATELIER_SPECTRAL_ROUNDING_LOW = 1 << 2,
  ATELIER_SPECTRAL_ROUNDING_MID = 1 << 3,
  ATELIER_SPECTRAL_ROUNDING_HIGH = 1 << 4,
  ATELIER_SPECTRAL_ROUNDING_CORNER = 1 << 5,
} AtelierSpectralCondition;

#define ATELIER_SPECTRAL_CONDITION_COUNT 6

/* "jpeg", "grey", "rounding-low" ... "rounding-corner", for condition
 * 1 << @index: stable, for scripts. */
const char *atelier_spectral_condition_nick (int index);

typedef struct
{
  const char *name;       /* "radial-03", "peaks8-max-g": the model file lists them */
  AtelierSpectralCue cue;
  AtelierSpectralCondition uninformative_when;
} AtelierSpectralFeatureInfo;

const AtelierSpectralFeatureInfo *atelier_spectral_feature_info (int index);

/* Every feature: bit i for feature i, as in the masks below. */
#define ATELIER_SPECTRAL_ALL_FEATURES (G_MAXUINT64 >> (64 - ATELIER_SPECTRAL_FEATURE_COUNT))

/* The features of the luminance's spectrum (radial, decay, angle): an
 * analysis that wants none of them computes no luminance spectrum. */
guint64 atelier_spectral_luminance_features (void);

/* Writes the features of @spectra and returns the conditions they show by
 * themselves: GREY when their residuals carry no colour at all (a millionth
 * of their energy), and ROUNDING_* for each chroma band that rounding fills
 * half or more, rounding that leaves @grey_rounding_variance in the grey
 * residual per unit of white-noise gain (AtelierSpectralAnalysis; 0 when the
 * pixels were never rounded). @wanted (ATELIER_SPECTRAL_ALL_FEATURES, or
 * those a classifier weighs): a family none of whose features is wanted
 * (the luminance's, the residual rings) is not computed and reads 0; the
 * others are computed whole. @spectra->luminance may be NULL when no
 * luminance feature is wanted.
 * @geometry: atelier_spectral_bins_new (spectra->size). */
AtelierSpectralCondition atelier_spectral_features_compute (const AtelierSpectralBins *geometry,
                                                            const AtelierTileSpectra *spectra,
                                                            double grey_rounding_variance, guint64 wanted,
                                                            float features[ATELIER_SPECTRAL_FEATURE_COUNT]);

/* How far the grey residual's energy in the band (1/2, 1] of Nyquist rises
 * above what rounding that leaves @grey_rounding_variance puts there: their
 * ratio, or 0 when the pixels were never rounded (@grey_rounding_variance 0).
 * Near 1 the finest detail is rounding alone (a blurred, smoothed or reduced
 * image): the band where generators' traces lie holds little evidence. */
double atelier_spectral_detail_over_rounding (const AtelierSpectralBins *geometry, const AtelierTileSpectra *spectra,
                                              double grey_rounding_variance);

/* The features that @conditions leave uninformative: bit i for feature i. */
guint64 atelier_spectral_set_aside (AtelierSpectralCondition conditions);

/* Log ratio of the bin at (@u, @v) (u may be negative or past size / 2: the
 * spectrum of a real image is conjugate-symmetric) to the median of the 16
 * bins two steps around it. */
float atelier_spectral_peak_score (const float *power, int size, int u, int v);

/* Power at any frequency (u, v) in -size/2..size/2, through the symmetry; @size a power of two. */
float atelier_spectral_power_at (const float *power, int size, int u, int v);

/* The harmonic grids, for marking peaks: calls @fn for every harmonic of the
 * 8- and 16-grids (u >= 0) with the cue it feeds. */
typedef void (*AtelierHarmonicFunc) (int u, int v, AtelierSpectralCue cue, gpointer data);
void atelier_spectral_foreach_harmonic (int size, AtelierHarmonicFunc fn, gpointer data);

G_END_DECLS
