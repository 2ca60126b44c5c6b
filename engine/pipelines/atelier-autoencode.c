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
  const gint64 ph = (h + d - 1) / d * d, pw = (w + d - 1) / d * d;
  g_autoptr (AtelierTensor) padded = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 3, ph, pw }, error);
  if (padded == NULL)
    return NULL;
  for (int c = 0; c < 3; c++)
    for (gint64 y = 0; y < ph; y++)
      for (gint64 x = 0; x < pw; x++)
        padded->data[(c * ph + y) * pw + x] = image->data[(c * h + MIN (y, h - 1)) * w + MIN (x, w - 1)];
  /* Full resolution down to 1/d in tiles; the layers that normalise over
   * their whole input then run once on the small 1/d feature map, so the
   * result does not depend on the tiling. */
  AtelierTileSpec spec = { tile_side (ctx, options, d), AUTOENCODER_MARGIN, 1, d,
                           atelier_autoencoder_get_channels (ae), "Encoding" };
  g_autoptr (AtelierTensor) features = atelier_tiled_run (ctx, padded, &spec, encode_tile, (gpointer) ae, error);
  if (features == NULL)
    return NULL;
  return atelier_autoencoder_run (ctx, ae, ATELIER_AUTOENCODER_ENCODER, atelier_autoencoder_encoder_local_end (ae), -1,
                                  features, error);
}

AtelierTensor *
atelier_autoencode_decode (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *latent,
                           const AtelierAutoencodeOptions *options, GError **error)
{
  const int d = atelier_autoencoder_get_downscale (ae);
  if (!atelier_tensor_check_shape (latent, "latent", 4,
                                   (const int64_t[]) { 1, atelier_autoencoder_get_latent_channels (ae), -1, -1 }, error))
    return NULL;
  g_autoptr (AtelierTensor) features = atelier_autoencoder_run (ctx, ae, ATELIER_AUTOENCODER_DECODER, 0,
                                                                atelier_autoencoder_decoder_local_start (ae), latent, error);
  if (features == NULL)
    return NULL;
  AtelierTileSpec spec = { tile_side (ctx, options, d) / d, AUTOENCODER_MARGIN / d, d, 1, 3, "Decoding" };
  AtelierTensor *rgb = atelier_tiled_run (ctx, features, &spec, decode_tile, (gpointer) ae, error);
  if (rgb != NULL)
    for (gint64 i = 0; i < atelier_tensor_numel (rgb); i++)
      rgb->data[i] = CLAMP (rgb->data[i], 0.0f, 1.0f);
  return rgb;
}
