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

/* Sides shorter than SMALL_CELLS latent cells are extended to EXTENDED_CELLS by repeating their edge, centred, and
 * cropped back, in the encoder (the image) and the decoder (the latent). The pooled blocks normalise over the
 * whole map, so on a small one the cells its zero padding darkens weigh in their statistics: a flat (200, 100, 50)
 * image of 8x8 pixels came back 44 levels off as it was, 21 extended to 8 cells, 16 cells did no better; from 32
 * cells (256 pixels) the extension is the interior of a large flat image, which the network returns within 4.7
 * levels (tests/test-sizes). Longer sides keep the network's own padding, as it was trained: repeating their
 * edges took the outer 8 pixels of four product photographs from 35.2, 36.9, 27.6 and 138 dB down to 25.7, 20.5,
 * 24.1 and 46 dB, and a long repeated edge outweighs a small photograph in those statistics too (product
 * photographs reduced to 200x150: 30.0 dB kept as they are, 24.7 extended to 32 cells; to 60x45, already
 * extended to 8 cells: 21.1, 15.9 extended to 32). */
#define SMALL_CELLS 8
#define EXTENDED_CELLS 32

/* A side of @cells as the network sees it. */
static gint64
extended_cells (gint64 cells)
{
  return cells < SMALL_CELLS ? EXTENDED_CELLS : cells;
}

/* The cells added before a side of @cells. */
static gint64
extension_before (gint64 cells)
{
  return (extended_cells (cells) - cells) / 2;
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
  const gint64 ph = extended_cells (lh) * d, pw = extended_cells (lw) * d;
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
  g_autoptr (AtelierTensor) extended = atelier_tensor_crop_edge_extended (latent, -top, -left, extended_cells (lh),
                                                                          extended_cells (lw), error);
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

/* The round trip sees the image inside its own mirror image, AUTOENCODER_MARGIN wide (and on to a multiple of the
 * downscale factor at the bottom and right), and decodes the mirror's latent cells too: its border pixels are
 * then the network's interior, as far from the zero padding as a tile's kept pixels are from a cut. With the
 * network's own zero padding a flat (200, 100, 50) came back with its corners darkened (67x65: spread 11.6,
 * offset 7.2 levels; 100x64: 17.9 / 9.7; 1x100: 6.4 / 23.5); so mirrored, spread 2.2, 2.6 and 1.7, offset the
 * network's own error on that colour (5-6 levels). Product photographs keep their borders better too (outer 8
 * pixels of eight at 200x150: 37.3 dB zero-padded, 38.5 mirrored; mirroring and decoding only the image's
 * cells, as a sampled latent has no mirror, lost 9 dB there). */
AtelierTensor *
atelier_autoencode_round_trip (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *image,
                               const AtelierAutoencodeOptions *options, AtelierAutoencodeTimes *times, GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, 3, -1, -1 }, error))
    return NULL;
  const int d = atelier_autoencoder_get_downscale (ae);
  const gint64 h = image->shape[2], w = image->shape[3];
  const gint64 ph = (h + 2 * AUTOENCODER_MARGIN + d - 1) / d * d, pw = (w + 2 * AUTOENCODER_MARGIN + d - 1) / d * d;
  g_autoptr (AtelierTensor) mirrored = atelier_tensor_crop_mirrored (image, -AUTOENCODER_MARGIN, -AUTOENCODER_MARGIN,
                                                                     ph, pw, error);
  const gint64 start = g_get_monotonic_time ();
  g_autoptr (AtelierTensor) latent = mirrored ? atelier_autoencode_encode (ctx, ae, mirrored, options, error) : NULL;
  const gint64 encoded = g_get_monotonic_time ();
  g_autoptr (AtelierTensor) rgb = latent ? atelier_autoencode_decode (ctx, ae, latent, options, error) : NULL;
  if (times != NULL)
    *times = (AtelierAutoencodeTimes) { (encoded - start) / 1e6, (g_get_monotonic_time () - encoded) / 1e6 };
  return rgb ? atelier_tensor_crop (rgb, AUTOENCODER_MARGIN, AUTOENCODER_MARGIN, h, w, error) : NULL;
}
