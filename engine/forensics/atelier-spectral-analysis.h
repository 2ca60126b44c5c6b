/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* An image cut into a grid of square tiles at native resolution, each tile's
 * spectral features (for the heat map) and the features of the Welch average
 * of all tiles' spectra (for the whole image's verdict: averaging
 * periodograms keeps the resolution of one tile and lowers the variance). */

#include "core/atelier-context.h"
#include "forensics/atelier-spectral-features.h"

G_BEGIN_DECLS

#define ATELIER_SPECTRAL_TILE_MAX 256
#define ATELIER_SPECTRAL_TILE_MIN 64

/* What the caller knows of the pixels' past with JPEG. */
typedef enum
{
  /* Nothing: the pixels decide (atelier_jpeg_lattice_found finds a JPEG
   * saved again as PNG). */
  ATELIER_JPEG_ORIGIN_FROM_PIXELS,
  /* Decoded from a JPEG file, or the user says the image went through one. */
  ATELIER_JPEG_ORIGIN_DECODED,
  /* The user says the image never was a JPEG: the lattice check, which reads
   * the pixels and can be wrong, is not run. */
  ATELIER_JPEG_ORIGIN_NEVER,
} AtelierJpegOrigin;

typedef struct
{
  int tile_size;           /* the largest power of two up to 256 that fits the image's shorter side */
  int columns, rows;
  gint64 *tile_x, *tile_y; /* (columns), (rows): tile origins, spread evenly so the last tile ends at the border */
  /* The features asked for (atelier_spectral_features_compute's @wanted):
   * the families of which none is wanted read 0, here and in every tile. */
  guint64 wanted;
  float (*tile_features)[ATELIER_SPECTRAL_FEATURE_COUNT]; /* (rows * columns) */
  float features[ATELIER_SPECTRAL_FEATURE_COUNT];         /* of the averaged spectra */
  /* The pixels' levels, read off their values: 1/255 when every value is a
   * multiple of it (8 bits), 1/65535 likewise, 0 for anything finer. */
  double quantisation_step;
  /* The pixels hold a JPEG's quantisation lattice (atelier_jpeg_lattice_found)
   * and the caller left their origin to them (ATELIER_JPEG_ORIGIN_FROM_PIXELS):
   * a JPEG saved again as PNG. They are then analysed as a decoded JPEG, and
   * ATELIER_SPECTRAL_JPEG is among the conditions. */
  gboolean jpeg_lattice;
  /* The variance rounding leaves in the grey, (R + G + B) / 3, per unit of
   * white-noise gain: step^2 / 36 for pixels rounded once per channel; for a
   * decoded JPEG, whose decoder rounds Y, Cb and Cr before RGB, four times
   * that (Y's rounding is shared by the channels, so all of it is grey). */
  double grey_rounding_variance;
  /* atelier_spectral_detail_over_rounding of the averaged spectra: 0 for
   * pixels never rounded. */
  double detail_over_rounding;
  /* The conditions of the averaged spectra, and of each tile's
   * (atelier_spectral_features_compute):
   * GREY (no colour anywhere) and the chroma bands rounding fills. */
  AtelierSpectralCondition conditions;
  AtelierSpectralCondition *tile_conditions; /* (rows * columns) */
  AtelierTileSpectra *mean_spectra;
} AtelierSpectralAnalysis;

/* @image (1, C, H, W), C = 1..4, values in 0..1; @origin: whether its pixels
 * come from a JPEG decoder (their rounding floor is higher) or the pixels are
 * to decide. Fails for an image under 64 pixels on a side or holding NaN or
 * infinity. */
AtelierSpectralAnalysis *atelier_spectral_analysis_run (AtelierContext *ctx, const AtelierTensor *image,
                                                        AtelierJpegOrigin origin, GError **error);
/* The same for the features @wanted alone (those a classifier weighs): a
 * family none of whose features is wanted is not computed (the luminance's
 * spectrum, a fifth of the FFTs, for a classifier weighing none of its
 * features), and reads 0. */
AtelierSpectralAnalysis *atelier_spectral_analysis_run_for (AtelierContext *ctx, const AtelierTensor *image,
                                                            AtelierJpegOrigin origin, guint64 wanted, GError **error);
void atelier_spectral_analysis_free (AtelierSpectralAnalysis *analysis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierSpectralAnalysis, atelier_spectral_analysis_free)

G_END_DECLS
