/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-matte-cutout.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"

#include <string.h>
#include <time.h>

/* The progress bar's shares: on 2 cores a 1024 x 1024 forward pass takes about as long as the edges of a
 * 12-megapixel photograph, and the colours about half as long as the matte. */
#define NETWORK_SHARE 0.5
#define MATTE_SHARE_OF_EDGES 0.65

AtelierCutoutOptions
atelier_cutout_options_default (void)
{
  return (AtelierCutoutOptions) {
    .resize = ATELIER_SUBJECT_RESIZE_PACKAGE,
    .matte = atelier_matte_options_default (),
    .estimate_foreground = TRUE,
    .foreground = atelier_foreground_options_default (),
  };
}

void
atelier_cutout_clear (AtelierCutout *out)
{
  g_clear_pointer (&out->alpha, atelier_tensor_free);
  g_clear_pointer (&out->foreground, atelier_tensor_free);
}

static AtelierStepTime
now (void)
{
  struct timespec cpu;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  return (AtelierStepTime) { g_get_monotonic_time () / 1e6, cpu.tv_sec + cpu.tv_nsec * 1e-9 };
}

/* The time since @start, which moves on to now. */
static AtelierStepTime
step_time (AtelierStepTime *start)
{
  const AtelierStepTime end = now ();
  const AtelierStepTime step = { end.wall - start->wall, end.cpu - start->cpu };
  *start = end;
  return step;
}

/* ISNet's subject probability at the image's size. */
static AtelierTensor *
network_probability (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *rgb,
                     AtelierSubjectResize resize, GError **error)
{
  if (net == NULL)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "a cut-out needs the subject network or a coarse subject probability");
      return NULL;
    }
  g_auto (AtelierSubjectMask) mask = { 0 };
  if (!atelier_subject_mask_compute (ctx, net, rgb, resize, &mask, error))
    return NULL;
  return g_steal_pointer (&mask.probability);
}

gboolean
atelier_cutout_compute (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *rgb,
                        const AtelierTensor *coarse, const AtelierCutoutOptions *options, AtelierCutout *out,
                        GError **error)
{
  memset (out, 0, sizeof *out);
  const double network_end = coarse != NULL ? 0.0 : NETWORK_SHARE;
  const double matte_end
    = options->estimate_foreground ? network_end + (1.0 - network_end) * MATTE_SHARE_OF_EDGES : 1.0;
  AtelierStepTime clock = now ();
  atelier_context_set_progress_span (ctx, 0.0, network_end);
  g_autoptr (AtelierTensor) network
    = coarse == NULL ? network_probability (ctx, net, rgb, options->resize, error) : NULL;
  const AtelierTensor *probability = coarse != NULL ? coarse : network;
  out->network = step_time (&clock);
  atelier_context_set_progress_span (ctx, network_end, matte_end);
  out->alpha = probability ? atelier_matte_refine (ctx, rgb, probability, &options->matte, error) : NULL;
  out->matte = step_time (&clock);
  g_clear_pointer (&network, atelier_tensor_free); /* a whole plane less at the foreground's peak */
  if (out->alpha != NULL && options->opacity != NULL)
    {
      if (!atelier_tensor_check_shape (options->opacity, "opacity", 4, out->alpha->shape, error))
        g_clear_pointer (&out->alpha, atelier_tensor_free);
      else
        atelier_planes_premultiply (out->alpha, options->opacity);
    }
  atelier_context_set_progress_span (ctx, matte_end, 1.0);
  if (out->alpha != NULL && options->estimate_foreground)
    out->foreground = atelier_foreground_estimate (ctx, rgb, out->alpha, &options->foreground, error);
  out->colours = step_time (&clock);
  atelier_context_set_progress_span (ctx, 0.0, 1.0);
  if (out->alpha == NULL || (options->estimate_foreground && out->foreground == NULL))
    {
      atelier_cutout_clear (out);
      return FALSE;
    }
  return TRUE;
}

AtelierTensor *
atelier_matte_cutout (AtelierContext *ctx, const AtelierTensor *image, const AtelierTensor *coarse,
                      const AtelierMatteOptions *matte, const AtelierForegroundOptions *foreground, GError **error)
{
  AtelierCutoutOptions options = atelier_cutout_options_default ();
  options.matte = *matte;
  options.foreground = *foreground;
  g_auto (AtelierCutout) cut = { 0 };
  if (!atelier_cutout_compute (ctx, NULL, image, coarse, &options, &cut, error))
    return NULL;
  const gint64 plane = image->shape[2] * image->shape[3];
  g_autoptr (AtelierTensor) rgba = atelier_tensor_new_uninitialized (
    4, (const int64_t[]) { 1, 4, image->shape[2], image->shape[3] }, error);
  if (rgba == NULL)
    return NULL;
  memcpy (rgba->data, cut.foreground->data, sizeof (float) * (gsize) (3 * plane));
  memcpy (rgba->data + 3 * plane, cut.alpha->data, sizeof (float) * (gsize) plane);
  return g_steal_pointer (&rgba);
}
