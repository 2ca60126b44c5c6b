/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tiling/atelier-tiling.h"

#include "core/atelier-error.h"

#include <math.h>
#include <string.h>

static gboolean
spec_is_valid (const AtelierTileSpec *spec, GError **error)
{
  if (spec->scale_num < 1 || spec->scale_den < 1 || spec->margin < 0 || spec->out_channels < 1
      || spec->tile_size < MAX (6 * spec->margin, 1) || spec->tile_size % spec->scale_den != 0
      || spec->margin % spec->scale_den != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "invalid tiling: tile %d, margin %d, scale %d/%d (the tile must be at least 6 margins "
                   "and tile and margin multiples of the scale denominator)",
                   spec->tile_size, spec->margin, spec->scale_num, spec->scale_den);
      return FALSE;
    }
  return TRUE;
}

gboolean
atelier_tile_axis_init (AtelierTileAxis *axis, gint64 length, const AtelierTileSpec *spec, GError **error)
{
  memset (axis, 0, sizeof *axis);
  if (!spec_is_valid (spec, error))
    return FALSE;
  if (length < 1 || length % spec->scale_den != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "image side %" G_GINT64_FORMAT " is not a positive multiple of %d", length, spec->scale_den);
      return FALSE;
    }
  axis->length = length;
  axis->overlap = 3 * (gint64) spec->margin;
  if (length <= spec->tile_size)
    {
      axis->count = 1;
      axis->size = length;
      axis->starts = g_new0 (gint64, 1);
      return TRUE;
    }
  const gint64 step = spec->tile_size - axis->overlap;
  axis->count = (int) ((length - axis->overlap + step - 1) / step);
  /* The fewest tiles of at most tile_size that cover the side, each only as
   * large as that count needs: a side just over one tile becomes two tiles
   * a little over half its length, not two full tiles (measured: a 1024x1024
   * autoencoder round trip under a 912-pixel tile limit went from 24 s to 9 s). */
  const gint64 align = spec->scale_den;
  const gint64 even = (length + (axis->count - 1) * axis->overlap + axis->count - 1) / axis->count;
  axis->size = MIN ((gint64) spec->tile_size, MAX ((even + align - 1) / align * align, 6 * (gint64) spec->margin));
  axis->starts = g_new0 (gint64, axis->count);
  /* Spread the tiles evenly so every overlap is at least 3 margins; since the
   * tile is at least 6 margins, only neighbours ever overlap. */
  for (int i = 0; i < axis->count; i++)
    {
      gint64 s = (gint64) llround ((double) i * (length - axis->size) / (axis->count - 1));
      axis->starts[i] = MIN (s / align * align, length - axis->size);
    }
  return TRUE;
}

void
atelier_tile_axis_clear (AtelierTileAxis *axis)
{
  g_clear_pointer (&axis->starts, g_free);
}

/* Weight of the tile on the far side of the overlap [a, b) (output pixels),
 * at output pixel x: 0 within @m of a, 1 within @m of b, linear between. */
static float
ramp (double x, double a, double b, double m)
{
  double width = b - a - 2.0 * m;
  double centre = x + 0.5;
  if (width <= 0.0)
    return centre < 0.5 * (a + b) ? 0.0f : 1.0f;
  return (float) CLAMP ((centre - (a + m)) / width, 0.0, 1.0);
}

void
atelier_tile_axis_weights (const AtelierTileAxis *axis, const AtelierTileSpec *spec, int index, float *weights)
{
  const double s = (double) spec->scale_num / spec->scale_den;
  const gint64 start = axis->starts[index];
  const gint64 out_start = start * spec->scale_num / spec->scale_den;
  const gint64 out_size = axis->size * spec->scale_num / spec->scale_den;
  const double m = spec->margin * s;
  for (gint64 i = 0; i < out_size; i++)
    {
      double x = (double) (out_start + i);
      float w = 1.0f;
      if (index > 0)
        w *= ramp (x, start * s, (axis->starts[index - 1] + axis->size) * s, m);
      if (index + 1 < axis->count)
        w *= 1.0f - ramp (x, axis->starts[index + 1] * s, (start + axis->size) * s, m);
      weights[i] = w;
    }
}

AtelierTensor *
atelier_tiled_run (AtelierContext *ctx, const AtelierTensor *input, const AtelierTileSpec *spec,
                   AtelierTileFunc fn, gpointer user_data, GError **error)
{
  if (!atelier_tensor_check_shape (input, "tiled input", 4, (const int64_t[]) { 1, -1, -1, -1 }, error))
    return NULL;
  /* Repeated edges make the image's own edges cut edges: the network's zero padding then falls a margin outside
   * the image, where its output is dropped, instead of darkening the border (ESRGAN made a flat 1x1 image 6 % of
   * its brightness, corners of larger ones up to 30 % dark). */
  const gint64 border = spec->repeat_edges ? spec->margin : 0;
  AtelierTileAxis rows, cols;
  if (!atelier_tile_axis_init (&rows, input->shape[2] + 2 * border, spec, error))
    return NULL;
  if (!atelier_tile_axis_init (&cols, input->shape[3] + 2 * border, spec, error))
    {
      atelier_tile_axis_clear (&rows);
      return NULL;
    }
  const gint64 out_h = input->shape[2] * spec->scale_num / spec->scale_den;
  const gint64 out_w = input->shape[3] * spec->scale_num / spec->scale_den;
  const gint64 out_border = border * spec->scale_num / spec->scale_den;
  const gint64 tile_out_h = rows.size * spec->scale_num / spec->scale_den;
  const gint64 tile_out_w = cols.size * spec->scale_num / spec->scale_den;
  g_autoptr (AtelierTensor) output = atelier_tensor_new_4d (1, spec->out_channels, out_h, out_w, error);
  g_autofree float *wy = g_new (float, tile_out_h);
  g_autofree float *wx = g_new (float, tile_out_w);
  const int total = rows.count * cols.count;
  gboolean ok = output != NULL;

  for (int ty = 0; ok && ty < rows.count; ty++)
    for (int tx = 0; ok && tx < cols.count; tx++)
      {
        const int done = ty * cols.count + tx;
        g_autofree char *step = g_strdup_printf ("%s tile %d/%d", spec->step_label ? spec->step_label : "Processing",
                                                 done + 1, total);
        atelier_context_report_progress (ctx, (double) done / total, step);
        if (!(ok = atelier_context_check_cancelled (ctx, error)))
          break;
        g_autoptr (AtelierTensor) tile = atelier_tensor_crop_edge_extended (input, rows.starts[ty] - border,
                                                                            cols.starts[tx] - border, rows.size,
                                                                            cols.size, error);
        g_autoptr (AtelierTensor) result = tile ? fn (ctx, tile, user_data, error) : NULL;
        const int64_t expected[4] = { 1, spec->out_channels, tile_out_h, tile_out_w };
        if (!(ok = result != NULL && atelier_tensor_check_shape (result, "tile output", 4, expected, error)))
          break;
        atelier_tile_axis_weights (&rows, spec, ty, wy);
        atelier_tile_axis_weights (&cols, spec, tx, wx);
        const gint64 oy0 = rows.starts[ty] * spec->scale_num / spec->scale_den - out_border;
        const gint64 ox0 = cols.starts[tx] * spec->scale_num / spec->scale_den - out_border;
        const gint64 x_from = MAX (0, -ox0), x_to = MIN (tile_out_w, out_w - ox0);
        for (gint64 c = 0; c < spec->out_channels; c++)
          for (gint64 y = MAX (0, -oy0); y < MIN (tile_out_h, out_h - oy0); y++)
            {
              if (wy[y] == 0.0f)
                continue;
              const float *src = result->data + (c * tile_out_h + y) * tile_out_w;
              float *dst = output->data + (c * out_h + oy0 + y) * out_w + ox0;
              for (gint64 x = x_from; x < x_to; x++)
                dst[x] += wy[y] * wx[x] * src[x];
            }
      }
  atelier_tile_axis_clear (&rows);
  atelier_tile_axis_clear (&cols);
  if (!ok)
    return NULL;
  atelier_context_report_progress (ctx, 1.0, spec->step_label ? spec->step_label : "Processing");
  return g_steal_pointer (&output);
}

int
atelier_tile_size_for_budget (const AtelierContext *ctx, gsize bytes_per_pixel, int margin, int align)
{
  align = MAX (align, 1);
  double side = sqrt ((double) atelier_context_get_memory_budget (ctx) / MAX (bytes_per_pixel, 1));
  int size = (int) MIN (side, 1 << 15) / align * align;
  int minimum = ((MAX (6 * margin, align) + align - 1) / align) * align;
  return MAX (size, minimum);
}
