/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Tiny latent autoencoders (TAESD family, here TAEF2: 8x down-sampling, 32
 * latent channels). Each side is a sequence of layers read from the manifest
 * config ("encoder", "decoder"): conv (in, out, stride, bias), block (three
 * 3x3 convs with ReLU and an identity skip, optionally preceded by
 * x += pool(x) with pool = 1x1 conv, GroupNorm, ReLU, 1x1 conv), relu,
 * upsample (nearest) and tanh_clamp (tanh(x / s) * s). Tensors are named
 * "<side>.<index>.<...>" as in the PyTorch nn.Sequential. */

#include "model/atelier-model.h"
#include "networks/atelier-conv-layer.h"

G_BEGIN_DECLS

typedef struct _AtelierAutoencoder AtelierAutoencoder;

AtelierAutoencoder *atelier_autoencoder_new (const AtelierModel *model, GError **error);
void atelier_autoencoder_free (AtelierAutoencoder *ae);

int atelier_autoencoder_get_downscale (const AtelierAutoencoder *ae);
int atelier_autoencoder_get_latent_channels (const AtelierAutoencoder *ae);

typedef enum
{
  ATELIER_AUTOENCODER_ENCODER,
  ATELIER_AUTOENCODER_DECODER,
} AtelierAutoencoderSide;

/* Runs layers [first, last) of one side (-1 for last: to the end). */
AtelierTensor *atelier_autoencoder_run (AtelierContext *ctx, const AtelierAutoencoder *ae, AtelierAutoencoderSide side,
                                        int first, int last, const AtelierTensor *input, GError **error);
/* Where the layers whose result depends on the whole input (GroupNorm in
 * pooled blocks) begin in the encoder and end in the decoder: the encoder's
 * layers before it and the decoder's from it on are purely local, so they can
 * run in tiles. */
int atelier_autoencoder_encoder_local_end (const AtelierAutoencoder *ae);
int atelier_autoencoder_decoder_local_start (const AtelierAutoencoder *ae);
int atelier_autoencoder_get_channels (const AtelierAutoencoder *ae);

/* image (1, 3, H, W), RGB 0..1, H and W multiples of the downscale ->
 * latent (1, latent channels, H / d, W / d). */
AtelierTensor *atelier_autoencoder_encode (AtelierContext *ctx, const AtelierAutoencoder *ae,
                                           const AtelierTensor *image, GError **error);
/* latent -> (1, 3, h d, w d), RGB, not clamped. */
AtelierTensor *atelier_autoencoder_decode (AtelierContext *ctx, const AtelierAutoencoder *ae,
                                           const AtelierTensor *latent, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierAutoencoder, atelier_autoencoder_free)

G_END_DECLS
