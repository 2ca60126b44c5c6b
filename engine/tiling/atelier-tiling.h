/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The one tiling mechanism: runs any fully convolutional network over an image
 * of any size in overlapping tiles and blends them without seams.
 *
 * Along each axis neighbouring tiles overlap by 3 * margin input pixels. In an
 * overlap each tile ignores the margin next to its own cut edge (its output
 * there lacks context) and the middle third is a linear cross-fade. The weights
 * form a partition of unity, so where the margin covers the network's
 * receptive radius the result equals the untiled output exactly, and where it
 * does not the remaining difference is faded rather than cut.
 *
 * With repeat_edges the image's own edges are cut edges too: each side is
 * extended by one margin of repeated edge pixels, whose output is dropped, so
 * the network's zero padding never reaches the image and a flat image stays
 * flat up to its corners at any size, 1x1 included. Without it the network
 * pads the image's edges its own way, as it was trained to. */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  int tile_size;  /* input pixels per tile side, overlap included */
  int margin;     /* input pixels at a cut edge whose output is discarded */
  int scale_num;  /* output size = input size * scale_num / scale_den */
  int scale_den;
  gint64 out_channels;
  const char *step_label; /* progress text, e.g. "Upscaling" -> "Upscaling tile 3/12" */
  gboolean repeat_edges;  /* see above: for networks whose own padding darkens the image's edges */
} AtelierTileSpec;

/* The network: one tile (1, C, h, w) in, (1, out_channels, h*num/den, w*num/den) out. */
typedef AtelierTensor *(*AtelierTileFunc) (AtelierContext *ctx, const AtelierTensor *tile,
                                           gpointer user_data, GError **error);

/* One axis of the plan. */
typedef struct
{
  gint64 length;
  int count;
  gint64 *starts; /* (count) */
  gint64 size;    /* tile extent along this axis (the last tile may not be shorter) */
  gint64 overlap;
} AtelierTileAxis;

gboolean atelier_tile_axis_init (AtelierTileAxis *axis, gint64 length, const AtelierTileSpec *spec, GError **error);
void atelier_tile_axis_clear (AtelierTileAxis *axis);
/* Blend weights of tile @index for its output pixels 0..(size*num/den - 1). */
void atelier_tile_axis_weights (const AtelierTileAxis *axis, const AtelierTileSpec *spec, int index, float *weights);

/* input (1, C, H, W) -> (1, out_channels, H*num/den, W*num/den). Checks
 * cancellation and reports progress once per tile. H and W must be multiples
 * of scale_den. */
AtelierTensor *atelier_tiled_run (AtelierContext *ctx, const AtelierTensor *input, const AtelierTileSpec *spec,
                                  AtelierTileFunc fn, gpointer user_data, GError **error);

/* The largest tile side (a multiple of @align, at least 4 * margin and
 * @align) whose activations, at @bytes_per_pixel per input pixel, fit the
 * context's memory budget. */
int atelier_tile_size_for_budget (const AtelierContext *ctx, gsize bytes_per_pixel, int margin, int align);

G_END_DECLS
