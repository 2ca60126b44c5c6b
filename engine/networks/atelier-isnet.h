/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* ISNet (Qin et al. 2022, "Highly Accurate Dichotomous Image Segmentation"),
 * the segmentation network of its Figure 2 without the ground-truth encoder
 * (which only serves training):
 *
 *   image (3, S, S) -> conv 3x3 stride 2 -> encoder: RSU-7, pool, RSU-6, pool,
 *   RSU-5, pool, RSU-4, pool, RSU-4F, pool, RSU-4F -> decoder: five RSU stages,
 *   each on [its predecessor upsampled, the encoder stage of its size] ->
 *   side conv 3x3 to one channel -> bilinear to S x S -> sigmoid.
 *
 * An RSU-L block (U^2-Net, Qin et al. 2020) is a small U-Net with a residual
 * connection: conv in, L-1 convs with max-pooling between them, a dilated conv
 * at the bottom, L-1 decoder convs each on [upsampled predecessor, encoder conv
 * of its size], plus the conv-in output. RSU-4F keeps the resolution and
 * dilates by 1, 2, 4, 8 instead of pooling. Every conv is 3x3, BatchNorm
 * (folded into the weights) and ReLU. Pooling is 2x2, stride 2, ceil mode;
 * upsampling is bilinear with half-pixel centres.
 *
 * Everything is read from the manifest config (models/isnet/README.md);
 * tensors are named after the PyTorch modules: "stage1.rebnconvin.weight",
 * "stage5d.rebnconv3d.bias", "conv_in.weight", "side1.weight". */

#include "model/atelier-model.h"
#include "networks/atelier-conv-layer.h"

G_BEGIN_DECLS

#define ATELIER_ISNET_MAX_STAGES 8
#define ATELIER_ISNET_MAX_DEPTH 8

typedef struct
{
  int depth;        /* L of RSU-L: convs on the way down, bottom included */
  gboolean dilated; /* RSU-LF: dilation 2^(i-1) at level i instead of pooling */
  int in, mid, out; /* channels */
} AtelierIsnetStage;

typedef struct
{
  int input_size;                                       /* the size it was trained and exported at */
  int in_channels;                                      /* 3: RGB */
  int stem_channels, stem_stride;                       /* conv_in */
  int n_stages;                                         /* encoder stages; the decoder has one fewer */
  AtelierIsnetStage encoder[ATELIER_ISNET_MAX_STAGES];  /* stage1 .. stageN */
  AtelierIsnetStage decoder[ATELIER_ISNET_MAX_STAGES];  /* decoder[k] is stage(k+1)d, k < N-1 */
  float mean, std;                                      /* input = (v - mean) / std, v in 0..255 */
} AtelierIsnetConfig;

typedef struct _AtelierIsnet AtelierIsnet;

/* Binds every tensor of the model; fails naming the first missing or
 * misshapen one. */
AtelierIsnet *atelier_isnet_new (const AtelierModel *model, GError **error);
/* Opens model @name_or_path ("isnet-medium", or a manifest path) through
 * atelier_model_find. */
AtelierIsnet *atelier_isnet_open (const char *name_or_path, GError **error);
void atelier_isnet_free (AtelierIsnet *net);

const AtelierIsnetConfig *atelier_isnet_get_config (const AtelierIsnet *net);
/* The smallest side the network takes: every max-pooling needs two rows. */
int atelier_isnet_min_size (const AtelierIsnet *net);
/* Peak bytes of activations for an h x w input, checked against the
 * context's memory budget before a forward pass. */
gsize atelier_isnet_activation_bytes (const AtelierIsnet *net, gint64 h, gint64 w);

/* image (1, 3, h, w), normalised as the config says -> probability (1, 1, h,
 * w) that each pixel belongs to the salient object. */
AtelierTensor *atelier_isnet_forward (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *image,
                                      GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierIsnet, atelier_isnet_free)

G_END_DECLS
