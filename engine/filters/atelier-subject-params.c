/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-subject-params.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"
#include "filters/atelier-model-cache.h"
#include "pipelines/atelier-matte-cutout.h"

#include <string.h>

/* Below half an 8-bit step a matte value selects nothing. */
#define EMPTY_BELOW (0.5f / 255.0f)

AtelierMatteOptions
atelier_subject_matte_options (const AtelierFilterValues *values)
{
  AtelierMatteOptions options = atelier_matte_options_default ();
  options.refine_edges = atelier_filter_values_get (values, "refine-edges") != 0.0;
  options.softness = atelier_filter_values_get (values, "softness");
  options.grow = atelier_filter_values_get (values, "grow");
  options.feather = atelier_filter_values_get_int (values, "feather");
  options.keep_holes = atelier_filter_values_get (values, "keep-holes") != 0.0;
  return options;
}

static gpointer
open_isnet (gconstpointer data, GError **error)
{
  return atelier_isnet_open (data, error);
}

static gboolean
holds_subject (const AtelierTensor *matte)
{
  const gint64 n = atelier_tensor_numel (matte);
  for (gint64 i = 0; i < n; i++)
    if (matte->data[i] >= EMPTY_BELOW)
      return TRUE;
  return FALSE;
}

/* The one run behind every front end (atelier_cutout_compute): ISNet through the model cache, the matte times the
 * image's own opacity, and with @foreground the subject's colours; a matte with nothing in it is refused. */
static gboolean
subject_cutout (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                const AtelierTensor *image, gboolean foreground, AtelierTensor **rgb, AtelierCutout *cut,
                GError **error)
{
  const AtelierIsnet *net = atelier_model_cache_get (models, "isnet-medium", open_isnet, "isnet-medium",
                                                     (GDestroyNotify) atelier_isnet_free, error);
  g_autoptr (AtelierTensor) colour = net ? atelier_planes_rgb (image, error) : NULL;
  if (colour == NULL)
    return FALSE;
  AtelierCutoutOptions options = atelier_cutout_options_default ();
  options.resize = strcmp (atelier_filter_values_get_choice (values, "network-input"), "fit") == 0
                     ? ATELIER_SUBJECT_RESIZE_FIT
                     : ATELIER_SUBJECT_RESIZE_PACKAGE;
  options.matte = atelier_subject_matte_options (values);
  options.estimate_foreground = foreground;
  g_autoptr (AtelierTensor) opacity = atelier_planes_alpha_view (image);
  options.opacity = opacity;
  if (!atelier_cutout_compute (ctx, net, colour, NULL, &options, cut, error))
    return FALSE;
  /* Read by tools/bench-select-subject.sh (G_MESSAGES_DEBUG=all). */
  g_debug ("select-subject: network %.3f s, matte %.3f s, foreground %.3f s", cut->network.wall,
           cut->matte.wall, cut->colours.wall);
  if (!holds_subject (cut->alpha))
    {
      atelier_cutout_clear (cut);
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "no subject found: nothing in the image stands out from its background (a flat colour "
                           "or an even texture?)");
      return FALSE;
    }
  *rgb = g_steal_pointer (&colour);
  return TRUE;
}

AtelierTensor *
atelier_subject_matte (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                       const AtelierTensor *image, AtelierTensor **rgb, GError **error)
{
  g_auto (AtelierCutout) cut = { 0 };
  if (!subject_cutout (ctx, models, values, image, FALSE, rgb, &cut, error))
    return NULL;
  return g_steal_pointer (&cut.alpha);
}

AtelierTensor *
atelier_subject_cutout (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                        const AtelierTensor *image, AtelierTensor **colours, GError **error)
{
  g_autoptr (AtelierTensor) rgb = NULL;
  g_auto (AtelierCutout) cut = { 0 };
  if (!subject_cutout (ctx, models, values, image, TRUE, &rgb, &cut, error))
    return NULL;
  *colours = atelier_planes_from_rgb (cut.foreground, atelier_planes_colours ((int) image->shape[1]), error);
  return *colours ? g_steal_pointer (&cut.alpha) : NULL;
}

AtelierTensor *
atelier_subject_foreground (AtelierContext *ctx, const AtelierTensor *rgb, const AtelierTensor *alpha, int colours,
                            GError **error)
{
  const AtelierForegroundOptions options = atelier_foreground_options_default ();
  g_autoptr (AtelierTensor) foreground = atelier_foreground_estimate (ctx, rgb, alpha, &options, error);
  if (foreground == NULL || colours == 3)
    return g_steal_pointer (&foreground); /* already the layer's colours: no copy */
  return atelier_planes_from_rgb (foreground, colours, error);
}
