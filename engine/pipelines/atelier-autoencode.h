/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Whole images of any size through a latent autoencoder. The full-resolution
 * layers run in tiles; the layers that normalise over their whole input
 * (GroupNorm in the pooled blocks, all at 1/8 resolution) run once on the
 * whole small feature map, so tiled and untiled results agree. */

#include "networks/atelier-autoencoder.h"
#include "tiling/atelier-tiling.h"

G_BEGIN_DECLS

typedef struct
{
  int tile_size; /* image pixels; 0: from the context's memory budget */
} AtelierAutoencodeOptions;

/* RGB image (1, 3, H, W) in 0..1, any size -> latent of the image padded
 * (edge pixels repeated) to multiples of the downscale factor. */
AtelierTensor *atelier_autoencode_encode (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *image,
                                          const AtelierAutoencodeOptions *options, GError **error);
/* latent -> RGB (1, 3, h d, w d), clamped to 0..1. */
AtelierTensor *atelier_autoencode_decode (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *latent,
                                          const AtelierAutoencodeOptions *options, GError **error);

typedef struct
{
  double encode_seconds, decode_seconds;
} AtelierAutoencodeTimes;

/* RGB image -> its reconstruction (1, 3, H, W), clamped to 0..1: encoded and decoded inside a mirror of itself, so
 * that a flat image stays flat up to its corners. @times (may be NULL) receives how long each half took. */
AtelierTensor *atelier_autoencode_round_trip (AtelierContext *ctx, const AtelierAutoencoder *ae,
                                              const AtelierTensor *image, const AtelierAutoencodeOptions *options,
                                              AtelierAutoencodeTimes *times, GError **error);

G_END_DECLS
