/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-inpaint-regions.h"

#include "core/atelier-error.h"
#include "ops/atelier-ops.h"
#include "ops/box-filter.h"
#include "ops/distance-transform.h"
#include "pipelines/atelier-seamless-fill.h"
#include "pipelines/atelier-selection.h"
#include "pipelines/atelier-upscale.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- grow and feather */

AtelierTensor *
atelier_inpaint_regions_mask (AtelierContext *ctx, const AtelierTensor *selection, int grow, int feather,
                              GError **error)
{
  g_autoptr (AtelierTensor) mask = atelier_tensor_copy (selection, error);
  int64_t bounds[4];
  if (mask == NULL || (grow <= 0 && feather <= 0) || atelier_selection_bounds (selection, bounds) == 0)
    return g_steal_pointer (&mask);
  /* Only the selection's box and the reach of the ramp around it change: on a 24-megapixel photograph with
   * a speck of dust the distance transform of the whole plane would cost more than the speck's fill. */
  const int64_t H = selection->shape[2], W = selection->shape[3], reach = grow + feather + 1;
  const int64_t top = MAX (0, bounds[0] - reach), left = MAX (0, bounds[1] - reach);
  const int64_t h = MIN (H, bounds[0] + bounds[2] + reach) - top, w = MIN (W, bounds[1] + bounds[3] + reach) - left;
  g_autofree guint8 *selected = g_new (guint8, h * w);
  g_autofree float *squared = g_new (float, h * w);
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      selected[y * w + x] = selection->data[(top + y) * W + left + x] > ATELIER_SELECTED_THRESHOLD;
  if (!atelier_distance_transform_squared (ctx, selected, h, w, squared, error))
    return NULL;
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      {
        const float d = sqrtf (squared[y * w + x]);
        const float ramp = d <= grow ? 1.0f : CLAMP ((reach - d) / (float) (feather + 1), 0.0f, 1.0f);
        /* 8-bit steps, as GIMP stores a selection: what reads 0 there is unselected here too. */
        mask->data[(top + y) * W + left + x] = roundf (255.0f * ramp) / 255.0f;
      }
  return g_steal_pointer (&mask);
}

/* ---------------------------------------------------------------- regions */

typedef struct
{
  int64_t box[4];    /* top, left, h, w of its selected pixels */
  int64_t window[4]; /* the box with its context, clipped to the image */
  gboolean merged;   /* into another region */
} Region;

static void
region_window (Region *r, int context, int64_t H, int64_t W)
{
  /* atelier_selection_context_box's rule, so that the fill of the window's crop works on the whole crop. */
  const int64_t margin = context >= 0 ? context : MAX (32, MAX (r->box[2], r->box[3]));
  r->window[0] = MAX (0, r->box[0] - margin);
  r->window[1] = MAX (0, r->box[1] - margin);
  r->window[2] = MIN (H, r->box[0] + r->box[2] + margin) - r->window[0];
  r->window[3] = MIN (W, r->box[1] + r->box[3] + margin) - r->window[1];
}

static gboolean
windows_overlap (const int64_t a[4], const int64_t b[4])
{
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

static void
box_union (int64_t a[4], const int64_t b[4])
{
  const int64_t bottom = MAX (a[0] + a[2], b[0] + b[2]), right = MAX (a[1] + a[3], b[1] + b[3]);
  a[0] = MIN (a[0], b[0]);
  a[1] = MIN (a[1], b[1]);
  a[2] = bottom - a[0];
  a[3] = right - a[1];
}

/* The boxes of the 8-connected parts of the selection inside @bounds, by a flood fill from each unlabelled
 * selected pixel. */
static GArray *
selection_parts (const AtelierTensor *selection, const int64_t bounds[4])
{
  const int64_t W = selection->shape[3], h = bounds[2], w = bounds[3];
  GArray *parts = g_array_new (FALSE, FALSE, sizeof (Region));
  g_autofree guint8 *seen = g_new0 (guint8, h * w);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (int64_t));
  for (int64_t start = 0; start < h * w; start++)
    {
      if (seen[start] || selection->data[(bounds[0] + start / w) * W + bounds[1] + start % w] <= ATELIER_SELECTED_THRESHOLD)
        continue;
      Region part = { { start / w, start % w, 1, 1 }, { 0 }, FALSE };
      seen[start] = 1;
      g_array_append_val (stack, start);
      while (stack->len > 0)
        {
          const int64_t i = g_array_index (stack, int64_t, stack->len - 1), y = i / w, x = i % w;
          g_array_set_size (stack, stack->len - 1);
          box_union (part.box, (const int64_t[]) { y, x, 1, 1 });
          for (int64_t ny = MAX (0, y - 1); ny <= MIN (h - 1, y + 1); ny++)
            for (int64_t nx = MAX (0, x - 1); nx <= MIN (w - 1, x + 1); nx++)
              {
                const int64_t n = ny * w + nx;
                if (!seen[n] && selection->data[(bounds[0] + ny) * W + bounds[1] + nx] > ATELIER_SELECTED_THRESHOLD)
                  {
                    seen[n] = 1;
                    g_array_append_val (stack, n);
                  }
              }
        }
      part.box[0] += bounds[0];
      part.box[1] += bounds[1];
      g_array_append_val (parts, part);
    }
  return parts;
}

/* Parts whose windows overlap are merged until none do, so that every selected pixel in a window belongs to
 * its region: a fill never reads a pixel another region will replace. */
static void
merge_overlapping (GArray *regions, int context, int64_t H, int64_t W)
{
  for (guint i = 0; i < regions->len; i++)
    region_window (&g_array_index (regions, Region, i), context, H, W);
  gboolean changed = TRUE;
  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < regions->len; i++)
        for (guint j = i + 1; j < regions->len; j++)
          {
            Region *a = &g_array_index (regions, Region, i), *b = &g_array_index (regions, Region, j);
            if (a->merged || b->merged || !windows_overlap (a->window, b->window))
              continue;
            box_union (a->box, b->box);
            region_window (a, context, H, W);
            b->merged = changed = TRUE;
          }
    }
}

/* ---------------------------------------------------------------- one window */

/* @mask with every selected pixel fully selected: the model's fill comes out unblended there. */
static AtelierTensor *
hard_mask_of (const AtelierTensor *mask, GError **error)
{
  AtelierTensor *hard = atelier_tensor_new_like (mask, error);
  for (int64_t i = 0; hard != NULL && i < atelier_tensor_numel (hard); i++)
    hard->data[i] = mask->data[i] > ATELIER_SELECTED_THRESHOLD ? 1.0f : 0.0f;
  return hard;
}

/* The enlarger of the smallest scale that reaches @factor, else the largest: an RDN's cost grows with its
 * output too (slim x4 of 512x512 took 3.9 CPU s, x2 2.5 s, with reading and writing the images), and the area
 * reduction after it throws away what a larger scale made. */
static const AtelierRdn *
enlarger_for (const AtelierInpaintRegionsOptions *options, double factor)
{
  const AtelierRdn *best = NULL;
  for (int i = 0; i < ATELIER_INPAINT_ENLARGERS; i++)
    {
      const AtelierRdn *e = options->enlargers[i];
      if (e == NULL)
        continue;
      const int scale = atelier_rdn_get_config (e)->scale, best_scale = best ? atelier_rdn_get_config (best)->scale : 0;
      const gboolean reaches = scale >= factor, best_reaches = best_scale >= factor;
      if (best == NULL || (reaches && (!best_reaches || scale < best_scale)) || (!reaches && !best_reaches && scale > best_scale))
        best = e;
    }
  return best;
}

/* A window larger than the working side is reduced anyway; it is diffused at this share of the working side (384
 * of 512), since the U-Net's steps, the encoding and the decoding cost in proportion to the area. On the 300x300
 * hole in its 900x900 window (docs/inpaint-evaluation.md, 8 held-aside photographs) 384 kept the hole PSNR and
 * GMSD of 512 (-0.01 dB, +0.001) where 256 lost GMSD (+0.016); the tools/bench-inpaint.sh object's fill took 9.4
 * CPU s instead of 16.8. */
#define REDUCED_SIDE_SHARE 0.75

/* The side a window of long side @side (above the working side) is diffused at: REDUCED_SIDE_SHARE of the working
 * side, but no less than the largest enlarger can bring back to @side (bicubic would make up the rest), and no
 * more than the working side. */
static int
reduced_side (const AtelierInpaintRegionsOptions *options, int64_t side)
{
  int largest = 1;
  for (int i = 0; i < ATELIER_INPAINT_ENLARGERS; i++)
    if (options->enlargers[i] != NULL)
      largest = MAX (largest, atelier_rdn_get_config (options->enlargers[i])->scale);
  const int64_t share = lround (options->diffusion.working_side * REDUCED_SIDE_SHARE);
  const int64_t restorable = (side + largest - 1) / largest;
  return (int) MIN (options->diffusion.working_side, MAX (64, MAX (share, restorable)));
}

/* A window larger than the working side: filled at its reduced side of the working side and enlarged. The
 * reduction is by area and every reduced pixel that any selected pixel reaches counts as selected, so the reduced
 * fill reads only unselected pixels as well. Returns the fill (1, 3, h, w) fitted to the window's border,
 * unselected pixels the window's own. */
static AtelierTensor *
fill_reduced (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *window,
              const AtelierTensor *window_mask, const AtelierInpaintRegionsOptions *options, GError **error)
{
  const int64_t h = window->shape[2], w = window->shape[3];
  AtelierLatentDiffusionOptions whole = options->diffusion;
  whole.working_side = reduced_side (options, MAX (h, w));
  whole.context = G_MAXINT / 2; /* the whole reduced window is the context */
  const double scale = (double) whole.working_side / MAX (h, w);
  const int64_t sh = MAX (1, lround (h * scale)), sw = MAX (1, lround (w * scale));
  g_autoptr (AtelierTensor) hard = hard_mask_of (window_mask, error);
  g_autoptr (AtelierTensor) small = hard == NULL ? NULL : atelier_resize_area (ctx, window, sh, sw, error);
  g_autoptr (AtelierTensor) small_mask = small ? atelier_resize_area (ctx, hard, sh, sw, error) : NULL;
  if (small_mask == NULL)
    return NULL;
  for (int64_t i = 0; i < atelier_tensor_numel (small_mask); i++)
    small_mask->data[i] = small_mask->data[i] > 0.0f ? 1.0f : 0.0f;
  const clock_t start = clock ();
  g_autoptr (AtelierTensor) small_fill = atelier_latent_diffusion_inpaint (ctx, ld, small, small_mask, &whole, error);
  if (small_fill == NULL)
    return NULL;
  const clock_t diffused = clock ();
  const AtelierUpscaleOptions upscale_options = { 0, -1 };
  const AtelierRdn *enlarger = enlarger_for (options, MAX ((double) h / sh, (double) w / sw));
  g_autoptr (AtelierTensor) enlarged = enlarger ? atelier_upscale (ctx, enlarger, small_fill, &upscale_options, error)
                                                : atelier_tensor_copy (small_fill, error);
  if (enlarged == NULL)
    return NULL;
  const clock_t enlarged_at = clock ();
  AtelierTensor *fill = enlarged->shape[2] >= h && enlarged->shape[3] >= w
                          ? atelier_resize_area (ctx, enlarged, h, w, error)
                          : atelier_resize (ctx, enlarged, h, w, ATELIER_RESIZE_BICUBIC, error);
  if (fill == NULL)
    return NULL;
  for (int64_t i = 0; i < atelier_tensor_numel (fill); i++)
    fill->data[i] = CLAMP (fill->data[i], 0.0f, 1.0f);
  /* The enlargement softens and shifts the fill near its border; the fit to the full-resolution border makes
   * it meet the photograph's own pixels there. */
  if (!atelier_seamless_fill (ctx, fill, window, window_mask, error))
    {
      atelier_tensor_free (fill);
      return NULL;
    }
  g_debug ("inpaint window %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " at %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
           ": diffusion %.3f, enlargement %.3f, fit %.3f CPU s", w, h, sw, sh, (double) (diffused - start) / CLOCKS_PER_SEC,
           (double) (enlarged_at - diffused) / CLOCKS_PER_SEC, (double) (clock () - enlarged_at) / CLOCKS_PER_SEC);
  return fill;
}

/* @out's window (top, left of @window) becomes @window blended with @fill by @mask: (1 - m) v + m fill, so
 * that an unselected pixel stays its own value bit for bit. */
static void
blend_into (AtelierTensor *out, const int64_t at[4], const AtelierTensor *window, const AtelierTensor *fill,
            const AtelierTensor *mask)
{
  const int64_t W = out->shape[3], plane = out->shape[2] * W, h = at[2], w = at[3];
  for (int64_t c = 0; c < 3; c++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          const float m = CLAMP (mask->data[y * w + x], 0.0f, 1.0f);
          const float v = window->data[(c * h + y) * w + x];
          out->data[c * plane + (at[0] + y) * W + at[1] + x] = (1.0f - m) * v + m * fill->data[(c * h + y) * w + x];
        }
}

/* The largest distance, in pixels, from a selected pixel of @mask to the nearest unselected one. */
static gboolean
region_half_thickness (AtelierContext *ctx, const AtelierTensor *mask, float *half, GError **error)
{
  const int64_t h = mask->shape[2], w = mask->shape[3];
  g_autofree guint8 *unselected = g_new (guint8, h * w);
  g_autofree float *squared = g_new (float, h * w);
  for (int64_t i = 0; i < h * w; i++)
    unselected[i] = mask->data[i] <= ATELIER_SELECTED_THRESHOLD;
  if (!atelier_distance_transform_squared (ctx, unselected, h, w, squared, error))
    return FALSE;
  float largest = 0.0f;
  for (int64_t i = 0; i < h * w; i++)
    largest = MAX (largest, squared[i]);
  *half = sqrtf (largest);
  return TRUE;
}

/* The membrane: a zero fill fitted to the border is the harmonic interpolation of the border's values. */
static AtelierTensor *
fill_membrane (AtelierContext *ctx, const AtelierTensor *window, const AtelierTensor *mask, GError **error)
{
  g_autoptr (AtelierTensor) fill = atelier_tensor_new_like (window, error);
  if (fill == NULL || !atelier_seamless_fill (ctx, fill, window, mask, error))
    return NULL;
  return g_steal_pointer (&fill);
}

/* The model's fill of the window, unselected pixels the window's own: at full resolution when the window fits
 * the working side, else reduced and enlarged. */
static AtelierTensor *
fill_model (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *window,
            const AtelierTensor *mask, const AtelierInpaintRegionsOptions *options, GError **error)
{
  if (MAX (window->shape[2], window->shape[3]) > options->diffusion.working_side)
    return fill_reduced (ctx, ld, window, mask, options, error);
  g_autoptr (AtelierTensor) hard = hard_mask_of (mask, error);
  return hard ? atelier_latent_diffusion_inpaint (ctx, ld, window, hard, &options->diffusion, error) : NULL;
}

/* The membrane's smooth shading with the model's detail on top: the model's fill less its own low-pass (two
 * box means of radius DETAIL_RADIUS, about a Gaussian of sigma 2.8 pixels). */
#define DETAIL_RADIUS 3

static AtelierTensor *
fill_detail (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *window,
             const AtelierTensor *mask, const AtelierInpaintRegionsOptions *options, GError **error)
{
  g_autoptr (AtelierTensor) model = fill_model (ctx, ld, window, mask, options, error);
  const clock_t start = clock ();
  g_autoptr (AtelierTensor) membrane = model ? fill_membrane (ctx, window, mask, error) : NULL;
  if (membrane == NULL)
    return NULL;
  g_debug ("inpaint membrane %.3f CPU s", (double) (clock () - start) / CLOCKS_PER_SEC);
  const int64_t h = window->shape[2], w = window->shape[3];
  g_autofree float *once = g_new (float, h * w), *twice = g_new (float, h * w);
  g_autofree double *column_sums = g_new (double, w);
  for (int64_t c = 0; c < 3; c++)
    {
      const float *m = model->data + c * h * w;
      atelier_box_mean_plane (m, once, h, w, DETAIL_RADIUS, DETAIL_RADIUS, column_sums);
      atelier_box_mean_plane (once, twice, h, w, DETAIL_RADIUS, DETAIL_RADIUS, column_sums);
      for (int64_t i = 0; i < h * w; i++)
        membrane->data[c * h * w + i] = CLAMP (membrane->data[c * h * w + i] + m[i] - twice[i], 0.0f, 1.0f);
    }
  return g_steal_pointer (&membrane);
}

static gboolean
fill_region (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
             const AtelierTensor *selection, const Region *region, const AtelierInpaintRegionsOptions *options,
             AtelierTensor *out, AtelierInpaintFill *used, GError **error)
{
  const int64_t *at = region->window;
  const clock_t start = clock ();
  g_autoptr (AtelierTensor) window = atelier_tensor_crop (image, at[0], at[1], at[2], at[3], error);
  g_autoptr (AtelierTensor) mask = window ? atelier_tensor_crop (selection, at[0], at[1], at[2], at[3], error) : NULL;
  float half = 0.0f;
  if (mask == NULL
      || (options->fill == ATELIER_INPAINT_FILL_AUTO && !region_half_thickness (ctx, mask, &half, error)))
    return FALSE;
  *used = options->fill != ATELIER_INPAINT_FILL_AUTO ? options->fill
          : 2.0f * half <= options->membrane_thickness ? ATELIER_INPAINT_FILL_MEMBRANE
                                                      : ATELIER_INPAINT_FILL_AUTO_LARGE;
  g_autoptr (AtelierTensor) fill = *used == ATELIER_INPAINT_FILL_MEMBRANE ? fill_membrane (ctx, window, mask, error)
                                   : *used == ATELIER_INPAINT_FILL_DETAIL
                                     ? fill_detail (ctx, ld, window, mask, options, error)
                                     : fill_model (ctx, ld, window, mask, options, error);
  if (fill != NULL)
    blend_into (out, at, window, fill, mask);
  g_debug ("inpaint window %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", fill %d: %.3f CPU s", at[3], at[2], *used,
           (double) (clock () - start) / CLOCKS_PER_SEC);
  return fill != NULL;
}

gboolean
atelier_inpaint_regions_into (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
                              const AtelierTensor *selection, const AtelierInpaintRegionsOptions *options,
                              AtelierTensor *out, int counts[4], GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, 3, -1, -1 }, error)
      || !atelier_tensor_check_shape (selection, "selection", 4,
                                      (const int64_t[]) { 1, 1, image->shape[2], image->shape[3] }, error)
      || !atelier_tensor_check_shape (out, "result", 4, image->shape, error))
    return FALSE;
  int64_t bounds[4];
  if (!atelier_selection_context_box (selection, options->diffusion.context, bounds, error))
    return FALSE;
  atelier_selection_bounds (selection, bounds);
  g_autoptr (GArray) regions = selection_parts (selection, bounds);
  merge_overlapping (regions, options->diffusion.context, image->shape[2], image->shape[3]);
  for (guint i = 0; i < regions->len; i++)
    {
      const Region *region = &g_array_index (regions, Region, i);
      if (region->merged)
        continue;
      AtelierInpaintFill used;
      if (!fill_region (ctx, ld, image, selection, region, options, out, &used, error))
        return FALSE;
      counts[used]++;
    }
  return TRUE;
}

AtelierTensor *
atelier_inpaint_regions (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
                         const AtelierTensor *selection, const AtelierInpaintRegionsOptions *options,
                         int counts[4], GError **error)
{
  g_autoptr (AtelierTensor) out = atelier_tensor_copy (image, error);
  if (out == NULL || !atelier_inpaint_regions_into (ctx, ld, image, selection, options, out, counts, error))
    return NULL;
  return g_steal_pointer (&out);
}
