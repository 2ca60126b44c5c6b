/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-subject-mask.h"

#include "core/atelier-error.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------- the package's resize */

/* JavaScript's Math.round: halves round up. */
static double
js_round (double v)
{
  const double r = floor (v);
  return v - r >= 0.5 ? r + 1.0 : r;
}

typedef struct
{
  const float *src;
  gint64 in_h, in_w;
  float *dst;
  gint64 out_h, out_w;
  gboolean round_to_integer;
} PackageResizeJob;

/* One output row of @imgly/background-removal-node's tensorResizeBilinear
 * (src/utils.ts), with its arithmetic: double precision, source position
 * x * in / out, taps floor and min (ceil, in - 1), the four products summed
 * in its order, Math.round when it stores into its Uint8Array. */
static void
package_resize_row (gint64 y, int worker, gpointer data)
{
  (void) worker;
  const PackageResizeJob *job = data;
  const double scale_x = (double) job->in_w / (double) job->out_w;
  const double scale_y = (double) job->in_h / (double) job->out_h;
  const double src_y = (double) y * scale_y;
  const gint64 y1 = (gint64) floor (src_y), y2 = MIN ((gint64) ceil (src_y), job->in_h - 1);
  const double dy = src_y - (double) y1;
  const float *row1 = job->src + y1 * job->in_w, *row2 = job->src + y2 * job->in_w;
  float *out = job->dst + y * job->out_w;
  for (gint64 x = 0; x < job->out_w; x++)
    {
      const double src_x = (double) x * scale_x;
      const gint64 x1 = (gint64) floor (src_x), x2 = MIN ((gint64) ceil (src_x), job->in_w - 1);
      const double dx = src_x - (double) x1;
      const double v = (1 - dx) * (1 - dy) * row1[x1] + dx * (1 - dy) * row1[x2] + (1 - dx) * dy * row2[x1]
                       + dx * dy * row2[x2];
      out[x] = (float) (job->round_to_integer ? js_round (v) : v);
    }
}

static void
package_resize_plane (AtelierContext *ctx, const float *src, gint64 in_h, gint64 in_w, float *dst, gint64 out_h,
                      gint64 out_w, gboolean round_to_integer)
{
  PackageResizeJob job = { src, in_h, in_w, dst, out_h, out_w, round_to_integer };
  atelier_context_parallel_for (ctx, out_h, package_resize_row, &job);
}

/* ---------------------------------------------------------------- the fitted square */

typedef struct
{
  gint64 top, left, height, width;
} FitBox;

/* Where the image lies in the S x S input: scaled to fit, centred. */
static FitBox
fit_box (gint64 height, gint64 width, gint64 size)
{
  const double scale = (double) size / (double) MAX (height, width);
  FitBox box;
  box.height = CLAMP ((gint64) llround ((double) height * scale), 1, size);
  box.width = CLAMP ((gint64) llround ((double) width * scale), 1, size);
  box.top = (size - box.height) / 2;
  box.left = (size - box.width) / 2;
  return box;
}

/* Area averaging when shrinking, bilinear (half-pixel centres) when enlarging. */
static AtelierTensor *
resize_smoothly (AtelierContext *ctx, const AtelierTensor *input, gint64 out_h, gint64 out_w, GError **error)
{
  if (out_h < input->shape[2] || out_w < input->shape[3])
    return atelier_resize_area (ctx, input, out_h, out_w, error);
  return atelier_resize (ctx, input, out_h, out_w, ATELIER_RESIZE_BILINEAR, error);
}

/* ---------------------------------------------------------------- steps */

/* The colour planes as 8-bit values 0..255, grey as equal RGB: the package
 * works on 8-bit pixels. */
static AtelierTensor *
rgb_8bit (const AtelierTensor *image, GError **error)
{
  const gint64 h = image->shape[2], w = image->shape[3], plane = h * w;
  const int colour = image->shape[1] <= 2 ? 1 : 3;
  AtelierTensor *rgb = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 3, h, w }, error);
  if (rgb == NULL)
    return NULL;
  for (int c = 0; c < 3; c++)
    {
      const float *src = image->data + (colour == 1 ? 0 : c) * plane;
      for (gint64 i = 0; i < plane; i++)
        rgb->data[c * plane + i] = isnan (src[i]) ? 0.0f : rintf (CLAMP (src[i], 0.0f, 1.0f) * 255.0f);
    }
  return rgb;
}

AtelierTensor *
atelier_subject_mask_input (AtelierContext *ctx, const AtelierIsnetConfig *config, const AtelierTensor *image,
                            AtelierSubjectResize resize, GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, -1, -1, -1 }, error))
    return NULL;
  if (image->shape[1] < 1 || image->shape[1] > 4 || image->shape[2] < 1 || image->shape[3] < 1)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "the subject mask needs a grey, grey + alpha, RGB or RGBA image of at least 1x1 pixel");
      return NULL;
    }
  const gint64 size = config->input_size, plane = size * size;
  g_autoptr (AtelierTensor) rgb = rgb_8bit (image, error);
  g_autoptr (AtelierTensor) input = rgb ? atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 3, size, size }, error) : NULL;
  if (input == NULL)
    return NULL;
  if (resize == ATELIER_SUBJECT_RESIZE_PACKAGE)
    for (int c = 0; c < 3; c++)
      package_resize_plane (ctx, rgb->data + c * rgb->shape[2] * rgb->shape[3], rgb->shape[2], rgb->shape[3],
                            input->data + c * plane, size, size, TRUE);
  else
    {
      const FitBox box = fit_box (image->shape[2], image->shape[3], size);
      g_autoptr (AtelierTensor) fitted = resize_smoothly (ctx, rgb, box.height, box.width, error);
      if (fitted == NULL)
        return NULL;
      /* Padding of value "mean", 0 once normalised. */
      atelier_tensor_fill (input, config->mean);
      for (int c = 0; c < 3; c++)
        for (gint64 y = 0; y < box.height; y++)
          memcpy (input->data + c * plane + (box.top + y) * size + box.left,
                  fitted->data + (c * box.height + y) * box.width, sizeof (float) * box.width);
    }
  atelier_scale_inplace (input, 1.0f / config->std, -config->mean / config->std);
  return g_steal_pointer (&input);
}

AtelierTensor *
atelier_subject_mask_to_image (AtelierContext *ctx, const AtelierTensor *network_map, gint64 height, gint64 width,
                               AtelierSubjectResize resize, GError **error)
{
  if (!atelier_tensor_check_shape (network_map, "probability map", 4, (const int64_t[]) { 1, 1, -1, -1 }, error))
    return NULL;
  const gint64 size = network_map->shape[2];
  g_autoptr (AtelierTensor) probability = NULL;
  if (resize == ATELIER_SUBJECT_RESIZE_PACKAGE)
    {
      probability = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 1, height, width }, error);
      if (probability == NULL)
        return NULL;
      package_resize_plane (ctx, network_map->data, size, network_map->shape[3], probability->data, height, width,
                            FALSE);
    }
  else
    {
      const FitBox box = fit_box (height, width, size);
      g_autoptr (AtelierTensor) valid = atelier_tensor_crop (network_map, box.top, box.left, box.height, box.width, error);
      if (valid == NULL || (probability = resize_smoothly (ctx, valid, height, width, error)) == NULL)
        return NULL;
    }
  const gint64 n = atelier_tensor_numel (probability);
  for (gint64 i = 0; i < n; i++)
    probability->data[i] = CLAMP (probability->data[i], 0.0f, 1.0f);
  return g_steal_pointer (&probability);
}

AtelierTensor *
atelier_subject_mask_package_8bit (AtelierContext *ctx, const AtelierTensor *network_map, gint64 height, gint64 width,
                                   GError **error)
{
  if (!atelier_tensor_check_shape (network_map, "probability map", 4, (const int64_t[]) { 1, 1, -1, -1 }, error))
    return NULL;
  g_autoptr (AtelierTensor) levels = atelier_tensor_new_like (network_map, error);
  g_autoptr (AtelierTensor) mask = levels ? atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 1, height, width }, error) : NULL;
  if (mask == NULL)
    return NULL;
  /* Storing p * 255 into a Uint8Array truncates (convertFloat32ToUint8). */
  for (gint64 i = 0; i < atelier_tensor_numel (network_map); i++)
    levels->data[i] = (float) floor (CLAMP ((double) network_map->data[i], 0.0, 1.0) * 255.0);
  package_resize_plane (ctx, levels->data, levels->shape[2], levels->shape[3], mask->data, height, width, TRUE);
  atelier_scale_inplace (mask, 1.0f / 255.0f, 0.0f);
  return g_steal_pointer (&mask);
}

/* ---------------------------------------------------------------- the whole */

void
atelier_subject_mask_clear (AtelierSubjectMask *mask)
{
  g_clear_pointer (&mask->input, atelier_tensor_free);
  g_clear_pointer (&mask->network_map, atelier_tensor_free);
  g_clear_pointer (&mask->probability, atelier_tensor_free);
}

gboolean
atelier_subject_mask_compute (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *image,
                              AtelierSubjectResize resize, AtelierSubjectMask *mask, GError **error)
{
  memset (mask, 0, sizeof *mask);
  if ((mask->input = atelier_subject_mask_input (ctx, atelier_isnet_get_config (net), image, resize, error)) == NULL
      || (mask->network_map = atelier_isnet_forward (ctx, net, mask->input, error)) == NULL
      || (mask->probability = atelier_subject_mask_to_image (ctx, mask->network_map, image->shape[2],
                                                             image->shape[3], resize, error)) == NULL)
    {
      atelier_subject_mask_clear (mask);
      return FALSE;
    }
  return TRUE;
}
