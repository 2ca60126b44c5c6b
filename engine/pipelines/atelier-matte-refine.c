/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-matte-refine.h"

#include "core/atelier-error.h"
#include "pipelines/atelier-matte-feather.h"
#include "pipelines/atelier-matte-guided-filter.h"
#include "pipelines/atelier-matte-shape.h"

#include <math.h>
#include <string.h>

/* The network's grid at 1024 x 1024 (ISNet's input). */
#define NETWORK_SIDE 1024.0

AtelierMatteOptions
atelier_matte_options_default (void)
{
  return (AtelierMatteOptions) {
    .refine_edges = TRUE,
    .softness = 1.0,
    .grow = 0.0,
    .feather = 0,
    .keep_holes = TRUE,
    .radius = 0,
    .uncertainty = 0,
    .eps = 1e-5f,
  };
}

int
atelier_matte_default_radius (gint64 h, gint64 w)
{
  return MAX (4, (int) ceil (4.0 * (double) MAX (h, w) / NETWORK_SIDE));
}

static gboolean
check_options (const AtelierMatteOptions *o, GError **error)
{
  if (!(o->softness >= 0.0 && o->softness <= 1.0) || !isfinite (o->grow) || o->feather < 0 || o->radius < 0
      || o->uncertainty < 0 || (o->refine_edges && !(o->eps > 0.0f)))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "matte options out of range: softness %g (0..1), grow %g, feather %d (>= 0), radius %d (>= 0), "
                   "uncertainty %d (>= 0), eps %g (> 0)", o->softness, o->grow, o->feather, o->radius, o->uncertainty,
                   o->eps);
      return FALSE;
    }
  return TRUE;
}

/* The weight of a pixel @uncertainty or closer to the contour in the
 * guided filter's fits: small enough that the trusted pixels decide, not
 * zero, so a window with none still has a fit. */
#define UNCERTAIN_WEIGHT 1e-3f

/* Whether the pixel is on the middle line of its side of the contour (its
 * distance to the contour no smaller than its 4 neighbours'): a stem or a
 * strap thinner than the uncertain zone would otherwise have no trusted
 * pixel to teach its windows the subject's colour. */
static gboolean
on_ridge (const float *contour, gint64 H, gint64 W, gint64 y, gint64 x)
{
  const float d = contour[y * W + x];
  const float sign = d > 0.0f ? 1.0f : -1.0f;
  const gint64 neighbours[4][2] = { { y - 1, x }, { y + 1, x }, { y, x - 1 }, { y, x + 1 } };
  for (int k = 0; k < 4; k++)
    {
      const gint64 ny = neighbours[k][0], nx = neighbours[k][1];
      if (ny >= 0 && ny < H && nx >= 0 && nx < W && sign * contour[ny * W + nx] > sign * d)
        return FALSE;
    }
  return TRUE;
}

/* Replaces @alpha in a band of 2 radius pixels around @mask's contour with
 * the guided filter's output, fading back to the hard mask over the band's
 * outer quarter so the band leaves no seam; outside it the mask rules. */
static gboolean
refine_band (AtelierContext *ctx, const AtelierTensor *image, const guint8 *mask, AtelierTensor *alpha, int radius,
             int uncertainty, float eps, GError **error)
{
  const gint64 H = image->shape[2], W = image->shape[3];
  const float band = 2.0f * (float) radius, fade = band / 4.0f;
  /* The contour's distance matters only within the band: it is computed on the box about the contour that holds
   * the band and every pixel the band's distances are measured to (bit for bit the whole image's there), not on
   * the whole photograph, of which a product's contour spans a fraction. */
  AtelierMatteBox near;
  if (!atelier_matte_contour_box (mask, H, W, (gint64) ceilf (band) + 3, &near))
    {
      for (gint64 i = 0; i < H * W; i++)
        alpha->data[i] = mask[i] ? 1.0f : 0.0f;
      return TRUE;
    }
  const gint64 CW = near.width, CH = near.height;
  g_autofree guint8 *near_mask = g_try_new (guint8, CH * CW);
  g_autofree float *contour = g_try_new (float, CH * CW);
  if (contour == NULL || near_mask == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory for the matte's contour band");
      return FALSE;
    }
  for (gint64 y = 0; y < CH; y++)
    memcpy (near_mask + y * CW, mask + (near.top + y) * W + near.left, (gsize) CW);
  if (!atelier_matte_contour_distance (ctx, near_mask, CH, CW, contour, error))
    return FALSE;
  /* The filter runs on the band's bounding box grown by its reach (2
   * radius), where its output equals the whole image's: a product photo's
   * band spans a fraction of it. Coordinates from here on are the near box's. */
  gint64 top = CH, left = CW, bottom = -1, right = -1;
  for (gint64 y = 0; y < CH; y++)
    for (gint64 x = 0; x < CW; x++)
      if (fabsf (contour[y * CW + x]) < band)
        top = MIN (top, y), bottom = MAX (bottom, y), left = MIN (left, x), right = MAX (right, x);
  g_autoptr (AtelierTensor) snapped = NULL;
  gint64 box_w = 0;
  if (bottom >= 0)
    {
      const gint64 reach = 2 * (gint64) radius;
      /* The filter's reach may pass the near box: its limits are the photograph's. */
      top = MAX (-near.top, top - reach), left = MAX (-near.left, left - reach);
      bottom = MIN (H - 1 - near.top, bottom + reach), right = MIN (W - 1 - near.left, right + reach);
      const gint64 box_h = bottom - top + 1;
      box_w = right - left + 1;
      g_autoptr (AtelierTensor) box_image
        = atelier_tensor_crop (image, near.top + top, near.left + left, box_h, box_w, error);
      g_autoptr (AtelierTensor) box_alpha
        = atelier_tensor_crop (alpha, near.top + top, near.left + left, box_h, box_w, error);
      g_autoptr (AtelierTensor) trust = atelier_tensor_new_4d (1, 1, box_h, box_w, error);
      if (box_image == NULL || box_alpha == NULL || trust == NULL)
        return FALSE;
      for (gint64 y = top; y <= bottom; y++)
        for (gint64 x = left; x <= right; x++)
          {
            /* Outside the near box every pixel is further than the band from the contour: trusted. */
            const gboolean inside = y >= 0 && y < CH && x >= 0 && x < CW;
            const gboolean trusted = !inside || fabsf (contour[y * CW + x]) > (float) uncertainty
                                     || on_ridge (contour, CH, CW, y, x);
            trust->data[(y - top) * box_w + x - left] = trusted ? 1.0f : UNCERTAIN_WEIGHT;
          }
      snapped = atelier_guided_filter (ctx, box_image, box_alpha, trust, radius, eps, error);
      if (snapped == NULL)
        return FALSE;
    }
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const gint64 i = y * W + x, ny = y - near.top, nx = x - near.left;
        const gboolean inside = ny >= 0 && ny < CH && nx >= 0 && nx < CW;
        const float weight = inside ? CLAMP ((band - fabsf (contour[ny * CW + nx])) / fade, 0.0f, 1.0f) : 0.0f;
        const float q = weight > 0.0f ? CLAMP (snapped->data[(ny - top) * box_w + nx - left], 0.0f, 1.0f) : 0.0f;
        alpha->data[i] = weight * q + (1.0f - weight) * (mask[i] ? 1.0f : 0.0f);
      }
  return TRUE;
}

/* Steepens every transition about 0.5 by 1 / softness; 0 thresholds. */
static void
apply_softness (float *alpha, gint64 n, double softness)
{
  if (softness >= 1.0)
    return;
  for (gint64 i = 0; i < n; i++)
    alpha[i] = softness <= 0.0 ? (alpha[i] >= 0.5f ? 1.0f : 0.0f)
                               : CLAMP ((float) ((alpha[i] - 0.5) / softness + 0.5), 0.0f, 1.0f);
}

AtelierTensor *
atelier_matte_refine (AtelierContext *ctx, const AtelierTensor *image, const AtelierTensor *coarse,
                      const AtelierMatteOptions *options, GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, 3, -1, -1 }, error)
      || !atelier_tensor_check_shape (coarse, "coarse mask", 4,
                                      (const int64_t[]) { 1, 1, image->shape[2], image->shape[3] }, error)
      || !check_options (options, error))
    return NULL;
  const gint64 H = image->shape[2], W = image->shape[3], N = H * W;
  g_autofree guint8 *mask = g_try_new (guint8, N);
  g_autoptr (AtelierTensor) alpha = atelier_tensor_new_uninitialized (4, coarse->shape, error);
  if (alpha == NULL)
    return NULL;
  if (mask == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory for a %" G_GINT64_FORMAT
                   " x %" G_GINT64_FORMAT " mask", W, H);
      return NULL;
    }
  for (gint64 i = 0; i < N; i++)
    mask[i] = coarse->data[i] > 0.5f;
  if (!options->keep_holes)
    atelier_matte_fill_holes (mask, H, W);
  if (!atelier_matte_grow (ctx, mask, H, W, options->grow, error))
    return NULL;
  atelier_context_report_progress (ctx, 0.2, "Subject mask");
  /* The network's own soft values wherever holes and grow left a pixel on
   * its side of 0.5: they carry its partial opacity (hair, glass). */
  for (gint64 i = 0; i < N; i++)
    alpha->data[i] = (coarse->data[i] > 0.5f) == (mask[i] != 0) ? CLAMP (coarse->data[i], 0.0f, 1.0f) : mask[i];
  if (options->refine_edges)
    {
      const int radius = options->radius > 0 ? options->radius : atelier_matte_default_radius (H, W);
      const int uncertainty = options->uncertainty > 0 ? options->uncertainty : MAX (1, 5 * radius / 8);
      if (!refine_band (ctx, image, mask, alpha, radius, uncertainty, options->eps, error))
        return NULL;
      atelier_context_report_progress (ctx, 0.8, "Edges");
    }
  apply_softness (alpha->data, N, options->softness);
  if (!atelier_matte_feather (alpha->data, H, W, options->feather, error))
    return NULL;
  atelier_context_report_progress (ctx, 1.0, "Matte");
  if (!atelier_context_check_cancelled (ctx, error))
    return NULL;
  return g_steal_pointer (&alpha);
}
