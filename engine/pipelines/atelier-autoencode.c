/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-autoencode.h"

#include "core/atelier-error.h"

/* Activations at full resolution: about five 64-channel maps alive at once
 * inside a block. */
#define AUTOENCODER_BYTES_PER_PIXEL (5 * 64 * sizeof (float))
/* Image pixels dropped at each cut edge. Measured on Set5's baby (512x512)
 * in 384-pixel tiles against one tile: 32 left differences of 1.3e-3, 64
 * leaves 1.4e-6. */
#define AUTOENCODER_MARGIN 64

static AtelierTensor *
encode_tile (AtelierContext *ctx, const AtelierTensor *tile, gpointer ae, GError **error)
{
  return atelier_autoencoder_run (ctx, ae, ATELIER_AUTOENCODER_ENCODER, 0, atelier_autoencoder_encoder_local_end (ae),
                                  tile, error);
}

static AtelierTensor *
decode_tile (AtelierContext *ctx, const AtelierTensor *tile, gpointer ae, GError **error)
{
  return atelier_autoencoder_run (ctx, ae, ATELIER_AUTOENCODER_DECODER, atelier_autoencoder_decoder_local_start (ae),
                                  -1, tile, error);
}

/* Latent cells a side needs: a shorter one is extended to it by repeating its edge, centred, and cropped back.
 * A flat (200, 100, 50) image of 8x8 pixels, a single cell, came back 44 levels off through the network's own
 * padding, 21 with 8 cells; 16 did no better (tests/test-sizes). Larger images keep that padding, as the
 * network was trained: repeating their edges instead took the outer 8 pixels of four product photographs from
 * 35.2, 36.9, 27.6 and 138 dB down to 25.7, 20.5, 24.1 and 46 dB. */
#define MIN_CELLS 8

/* The cells added before a side of @cells to reach MIN_CELLS. */
static gint64
extension_before (gint64 cells)
{
  return MAX (MIN_CELLS - cells, 0) / 2;
}

static int
tile_side (const AtelierContext *ctx, const AtelierAutoencodeOptions *options, int d)
{
  int side = options && options->tile_size > 0 ? options->tile_size
                                               : atelier_tile_size_for_budget (ctx, AUTOENCODER_BYTES_PER_PIXEL,
                                                                               AUTOENCODER_MARGIN, d);
  return MAX (side / d * d, 6 * AUTOENCODER_MARGIN);
}

AtelierTensor *
atelier_autoencode_encode (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *image,
                           const AtelierAutoencodeOptions *options, GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, 3, -1, -1 }, error))
    return NULL;
  if (!atelier_tensor_all_finite (image))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "the image contains NaN or infinite values");
      return NULL;
    }
  const int d = atelier_autoencoder_get_downscale (ae);
  const gint64 h = image->shape[2], w = image->shape[3];
  const gint64 lh = (h + d - 1) / d, lw = (w + d - 1) / d;
  const gint64 top = extension_before (lh), left = extension_before (lw);
  const gint64 ph = MAX (lh, MIN_CELLS) * d, pw = MAX (lw, MIN_CELLS) * d;
  g_autoptr (AtelierTensor) padded = atelier_tensor_crop_edge_extended (image, -top * d, -left * d, ph, pw, error);
  if (padded == NULL)
    return NULL;
  /* Full resolution down to 1/d in tiles; the layers that normalise over
   * their whole input then run once on the small 1/d feature map, so the
   * result does not depend on the tiling. */
  AtelierTileSpec spec = { tile_side (ctx, options, d), AUTOENCODER_MARGIN, 1, d,
                           atelier_autoencoder_get_channels (ae), "Encoding", FALSE };
  g_autoptr (AtelierTensor) features = atelier_tiled_run (ctx, padded, &spec, encode_tile, (gpointer) ae, error);
  if (features == NULL)
    return NULL;
  g_autoptr (AtelierTensor) latent = atelier_autoencoder_run (ctx, ae, ATELIER_AUTOENCODER_ENCODER,
                                                              atelier_autoencoder_encoder_local_end (ae), -1, features,
                                                              error);
  if (latent == NULL || (latent->shape[2] == lh && latent->shape[3] == lw))
    return g_steal_pointer (&latent);
  return atelier_tensor_crop (latent, top, left, lh, lw, error);
}

AtelierTensor *
atelier_autoencode_decode (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *latent,
                           const AtelierAutoencodeOptions *options, GError **error)
{
  const int d = atelier_autoencoder_get_downscale (ae);
  if (!atelier_tensor_check_shape (latent, "latent", 4,
                                   (const int64_t[]) { 1, atelier_autoencoder_get_latent_channels (ae), -1, -1 }, error))
    return NULL;
  const gint64 lh = latent->shape[2], lw = latent->shape[3];
  const gint64 top = extension_before (lh), left = extension_before (lw);
  g_autoptr (AtelierTensor) extended = atelier_tensor_crop_edge_extended (latent, -top, -left, MAX (lh, MIN_CELLS),
                                                                          MAX (lw, MIN_CELLS), error);
  g_autoptr (AtelierTensor) features = extended ? atelier_autoencoder_run (ctx, ae, ATELIER_AUTOENCODER_DECODER, 0,
                                                                           atelier_autoencoder_decoder_local_start (ae),
                                                                           extended, error) : NULL;
  if (features == NULL)
    return NULL;
  AtelierTileSpec spec = { tile_side (ctx, options, d) / d, AUTOENCODER_MARGIN / d, d, 1, 3, "Decoding", FALSE };
  g_autoptr (AtelierTensor) whole = atelier_tiled_run (ctx, features, &spec, decode_tile, (gpointer) ae, error);
  AtelierTensor *rgb = whole == NULL || (whole->shape[2] == lh * d && whole->shape[3] == lw * d)
                         ? g_steal_pointer (&whole)
                         : atelier_tensor_crop (whole, top * d, left * d, lh * d, lw * d, error);
  if (rgb != NULL)
    for (gint64 i = 0; i < atelier_tensor_numel (rgb); i++)
      rgb->data[i] = CLAMP (rgb->data[i], 0.0f, 1.0f);
  return rgb;
}
