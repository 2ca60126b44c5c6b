/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-background-compose.h"

#include "core/atelier-error.h"
#include "pipelines/atelier-alpha-fill.h"
#include "pipelines/atelier-matte-feather.h"

#include <math.h>

/* The studio sweep: where on the height the wall curves into the floor, how
 * much darker the top of the wall and the sides are than the lit centre, as
 * a single soft box in front of the set lights it. */
#define SWEEP_HORIZON 0.62f
#define SWEEP_WALL_DARKENING 0.2f
#define SWEEP_FLOOR_DARKENING 0.06f
#define SWEEP_CURVE_HIGHLIGHT 0.04f
#define SWEEP_CURVE_WIDTH 0.08f
#define SWEEP_SIDE_DARKENING 0.12f

/* A camera a little above the floor sees the subject's footprint
 * foreshortened to about a twelfth of the subject's height. */
#define SHADOW_SQUASH (1.0f / 12.0f)


/* A floor reflection fades out over this share of the subject's height, as on a glossy acrylic sheet. */
#define REFLECTION_DEPTH (1.0f / 3.0f)

static float
smoothstep (float edge0, float edge1, float x)
{
  const float t = CLAMP ((x - edge0) / (edge1 - edge0), 0.0f, 1.0f);
  return t * t * (3.0f - 2.0f * t);
}

/* The light on row @t (0 top, 1 bottom) of a sweep: the wall darkens upwards away from the light, the floor a
 * little towards the camera, and the curve between them catches a soft highlight. 1 at the curve. */
static float
sweep_row_light (float t)
{
  if (t < SWEEP_HORIZON)
    return 1.0f - SWEEP_WALL_DARKENING * (1.0f - smoothstep (0.0f, SWEEP_HORIZON, t))
           + SWEEP_CURVE_HIGHLIGHT * expf (-powf ((t - SWEEP_HORIZON) / SWEEP_CURVE_WIDTH, 2.0f));
  const float u = (t - SWEEP_HORIZON) / (1.0f - SWEEP_HORIZON);
  return 1.0f - SWEEP_FLOOR_DARKENING * u * u
         + SWEEP_CURVE_HIGHLIGHT * expf (-powf ((t - SWEEP_HORIZON) / SWEEP_CURVE_WIDTH, 2.0f));
}

static void
row_colour (const AtelierBackgroundOptions *options, gint64 y, gint64 h, float rgb[3])
{
  const float t = h > 1 ? (float) y / (float) (h - 1) : 0.0f;
  for (int c = 0; c < 3; c++)
    switch (options->kind)
      {
      case ATELIER_BACKGROUND_WHITE:
        rgb[c] = 1.0f;
        break;
      case ATELIER_BACKGROUND_GRADIENT:
        rgb[c] = options->colour[c] + (options->bottom_colour[c] - options->colour[c]) * t;
        break;
      case ATELIER_BACKGROUND_STUDIO:
        rgb[c] = options->colour[c] * sweep_row_light (t);
        break;
      case ATELIER_BACKGROUND_COLOUR:
      default:
        rgb[c] = options->colour[c];
        break;
      }
}

AtelierTensor *
atelier_background_render (const AtelierBackgroundOptions *options, gint64 h, gint64 w, GError **error)
{
  g_autoptr (AtelierTensor) rgb = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 3, h, w }, error);
  if (rgb == NULL)
    return NULL;
  for (gint64 y = 0; y < h; y++)
    {
      float colour[3];
      row_colour (options, y, h, colour);
      for (int c = 0; c < 3; c++)
        {
          float *row = rgb->data + (c * h + y) * w;
          if (options->kind != ATELIER_BACKGROUND_STUDIO)
            {
              for (gint64 x = 0; x < w; x++)
                row[x] = colour[c];
              continue;
            }
          for (gint64 x = 0; x < w; x++)
            {
              const float dx = w > 1 ? (2.0f * x - (w - 1)) / (float) (w - 1) : 0.0f;
              row[x] = CLAMP (colour[c] * (1.0f - SWEEP_SIDE_DARKENING * dx * dx), 0.0f, 1.0f);
            }
        }
    }
  return g_steal_pointer (&rgb);
}

gboolean
atelier_background_solid_rows (const AtelierTensor *alpha, gint64 *top, gint64 *bottom)
{
  const gint64 h = alpha->shape[2], w = alpha->shape[3];
  *top = -1;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      if (alpha->data[y * w + x] >= ATELIER_MATTE_SOLID)
        {
          if (*top < 0)
            *top = y;
          *bottom = y;
          break;
        }
  return *top >= 0;
}

AtelierTensor *
atelier_contact_shadow (const AtelierTensor *alpha, const AtelierShadowOptions *options, GError **error)
{
  g_autoptr (AtelierTensor) shadow = atelier_tensor_new_like (alpha, error);
  if (shadow == NULL)
    return NULL;
  const gint64 h = alpha->shape[2], w = alpha->shape[3];
  gint64 top, bottom;
  if (options->opacity <= 0.0f || !atelier_background_solid_rows (alpha, &top, &bottom))
    return g_steal_pointer (&shadow);
  /* Every row of the subject lands on one row of a band SHADOW_SQUASH as tall: its bottom row on the band's
   * lowest, @distance below the subject's bottom edge (where the product stands), the rows above further back
   * on the floor, behind the product. So the shadow is darkest at the base and what shows below it is its
   * feathered edge and the parts wider than the base: a band centred on the bottom edge hung half its height
   * under the product like a plinth, and the product floated. The band keeps the most opaque of what lands on
   * it, so thin parts still cast. */
  const gint64 height = bottom - top + 1;
  const gint64 band = MAX (1, (gint64) lroundf (height * SHADOW_SQUASH));
  const double angle = options->direction * G_PI / 180.0;
  const gint64 down = lround (options->distance * cos (angle)), across = lround (options->distance * sin (angle));
  const gint64 contact = bottom + down;
  for (gint64 y = top; y <= bottom; y++)
    {
      const gint64 target = contact - (bottom - y) * band / height;
      if (target < 0 || target >= h)
        continue;
      const float *from = alpha->data + y * w;
      float *to = shadow->data + target * w;
      for (gint64 x = MAX (0, across); x < MIN (w, w + across); x++)
        to[x] = MAX (to[x], from[x - across]);
    }
  if (!atelier_matte_feather (shadow->data, h, w, options->softness, error))
    return NULL;
  const gint64 n = h * w;
  for (gint64 i = 0; i < n; i++)
    shadow->data[i] = CLAMP (shadow->data[i], 0.0f, 1.0f) * options->opacity;
  return g_steal_pointer (&shadow);
}

gboolean
atelier_floor_reflection (AtelierTensor *background, const AtelierTensor *foreground, const AtelierTensor *alpha,
                          float opacity, GError **error)
{
  const gint64 colours = background->shape[1], h = background->shape[2], w = background->shape[3], n = h * w;
  if (!atelier_tensor_same_shape (background, foreground) || alpha->shape[2] != h || alpha->shape[3] != w)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                           "floor reflection: the background, subject and matte differ in size");
      return FALSE;
    }
  gint64 top, bottom;
  if (opacity <= 0.0f || !atelier_background_solid_rows (alpha, &top, &bottom))
    return TRUE;
  const gint64 depth = MAX (1, (gint64) lroundf ((bottom - top + 1) * REFLECTION_DEPTH));
  for (gint64 k = 1; k <= depth && bottom + k < h && bottom - k + 1 >= 0; k++)
    {
      const gint64 to = (bottom + k) * w, from = (bottom - k + 1) * w;
      const float fade = opacity * (1.0f - (float) k / (float) (depth + 1));
      for (gint64 x = 0; x < w; x++)
        {
          const float a = CLAMP (alpha->data[from + x], 0.0f, 1.0f) * fade;
          for (gint64 c = 0; c < colours; c++)
            {
              float *b = &background->data[c * n + to + x];
              *b += (foreground->data[c * n + from + x] - *b) * a;
            }
        }
    }
  return TRUE;
}

gboolean
atelier_light_wrap (AtelierTensor *foreground, const AtelierTensor *alpha, const AtelierTensor *background, float amount,
                    int radius, GError **error)
{
  if (amount <= 0.0f)
    return TRUE;
  const gint64 h = background->shape[2], w = background->shape[3], n = h * w;
  g_autoptr (AtelierTensor) light = atelier_tensor_copy (background, error);
  if (light == NULL)
    return FALSE;
  for (gint64 c = 0; c < background->shape[1]; c++)
    if (!atelier_matte_feather (light->data + c * n, h, w, radius, error))
      return FALSE;
  for (gint64 c = 0; c < background->shape[1]; c++)
    for (gint64 i = 0; i < n; i++)
      if (alpha->data[i] < ATELIER_MATTE_OPAQUE_FROM)
        {
          float *f = &foreground->data[c * n + i];
          *f += (light->data[c * n + i] - *f) * amount * (1.0f - CLAMP (alpha->data[i], 0.0f, 1.0f));
        }
  return TRUE;
}

/* The push-pull fill sums 2x2 boxes level by level, and a pixel's fill reads no level above the first whose box
 * holds an interior pixel. A tile whose corner lies on a multiple of this in the image has the whole image's boxes up
 * to its own size, so the tile's fill is the whole image's, bit for bit, for every pixel with interior in its tile;
 * one without any keeps its estimate. Tiles bound the fill's memory (it holds 40 bytes a pixel, about 1 GB on a
 * 6000x4000 photograph filled at once) and run on every core. */
#define FILL_TILE 512

typedef struct
{
  AtelierTensor *foreground;
  const AtelierTensor *alpha;
  gint64 tiles_across;
  gint out_of_memory;
} EdgeColoursJob;

static void
edge_colours_tile (gint64 item, int worker, gpointer data)
{
  (void) worker;
  EdgeColoursJob *job = data;
  const gint64 H = job->alpha->shape[2], W = job->alpha->shape[3];
  const gint64 top = item / job->tiles_across * FILL_TILE, left = item % job->tiles_across * FILL_TILE;
  const gint64 h = MIN (FILL_TILE, H - top), w = MIN (FILL_TILE, W - left);
  /* Only a visible pixel of the subject's soft edge needs the fill. */
  if (!atelier_tensor_window_holds_between (job->alpha, top, left, h, w, ATELIER_MATTE_CLEAR_BELOW,
                                            ATELIER_MATTE_OPAQUE_FROM))
    return;
  g_autoptr (AtelierTensor) interior = atelier_tensor_new_4d (1, 1, h, w, NULL);
  g_autoptr (AtelierTensor) colours = interior ? atelier_tensor_crop (job->foreground, top, left, h, w, NULL) : NULL;
  g_autoptr (AtelierTensor) continued = NULL;
  if (colours != NULL)
    {
      for (gint64 y = 0; y < h; y++)
        for (gint64 x = 0; x < w; x++)
          interior->data[y * w + x]
            = job->alpha->data[(top + y) * W + left + x] >= ATELIER_MATTE_OPAQUE_FROM ? 1.0f : 0.0f;
      continued = atelier_alpha_fill (NULL, colours, interior, NULL); /* (no context: it runs inside a worker) */
    }
  if (continued == NULL)
    {
      g_atomic_int_set (&job->out_of_memory, 1);
      return;
    }
  for (gint64 c = 0; c < job->foreground->shape[1]; c++)
    for (gint64 y = 0; y < h; y++)
      for (gint64 x = 0; x < w; x++)
        {
          const float a = job->alpha->data[(top + y) * W + left + x];
          const float faint = 1.0f - CLAMP (a, 0.0f, 1.0f), pull = faint * faint;
          float *f = &job->foreground->data[(c * H + top + y) * W + left + x];
          if (a < ATELIER_MATTE_OPAQUE_FROM)
            *f += (continued->data[(c * h + y) * w + x] - *f) * pull;
        }
}

gboolean
atelier_edge_colours_from_interior (AtelierContext *ctx, AtelierTensor *foreground, const AtelierTensor *alpha,
                                    GError **error)
{
  const gint64 H = alpha->shape[2], W = alpha->shape[3];
  EdgeColoursJob job = { foreground, alpha, (W + FILL_TILE - 1) / FILL_TILE, 0 };
  atelier_context_parallel_for (ctx, job.tiles_across * ((H + FILL_TILE - 1) / FILL_TILE), edge_colours_tile, &job);
  if (g_atomic_int_get (&job.out_of_memory))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "out of memory for the edge colours' tiles of %d pixels", FILL_TILE);
      return FALSE;
    }
  return atelier_context_check_cancelled (ctx, error);
}

AtelierTensor *
atelier_background_compose (const AtelierTensor *source, const AtelierTensor *foreground, const AtelierTensor *alpha,
                            const AtelierTensor *background, const AtelierTensor *shadow, GError **error)
{
  const gint64 colours = source->shape[1], h = source->shape[2], w = source->shape[3];
  if (!atelier_tensor_same_shape (source, background) || (foreground && !atelier_tensor_same_shape (source, foreground))
      || alpha->shape[2] != h || alpha->shape[3] != w || (shadow && !atelier_tensor_same_shape (alpha, shadow)))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                           "background compose: the source, subject, background and shadow differ in size");
      return NULL;
    }
  g_autoptr (AtelierTensor) out = atelier_tensor_new_like (source, error);
  if (out == NULL)
    return NULL;
  const AtelierTensor *subject = foreground ? foreground : source;
  const gint64 n = h * w;
  for (gint64 c = 0; c < colours; c++)
    for (gint64 i = 0; i < n; i++)
      {
        const gint64 at = c * n + i;
        const float a = alpha->data[i];
        /* The source itself, not F, so the kept product is bit-identical whatever the estimate did. */
        if (a >= ATELIER_MATTE_OPAQUE_FROM)
          {
            out->data[at] = source->data[at];
            continue;
          }
        const float below = shadow ? background->data[at] * (1.0f - shadow->data[i]) : background->data[at];
        out->data[at] = a <= ATELIER_MATTE_CLEAR_BELOW ? below : subject->data[at] * a + below * (1.0f - a);
      }
  return g_steal_pointer (&out);
}
