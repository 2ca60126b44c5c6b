/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-subject-params.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"
#include "filters/atelier-model-cache.h"
#include "pipelines/atelier-foreground-estimate.h"
#include "pipelines/atelier-subject-mask.h"

#include <string.h>

/* The network's share of the progress bar: on 2 cores a 1024 x 1024 forward pass takes about as long as the
 * edges of a 12-megapixel photograph. */
#define NETWORK_SHARE 0.5

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

AtelierTensor *
atelier_subject_matte (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                       const AtelierTensor *image, AtelierTensor **rgb, GError **error)
{
  const AtelierIsnet *net = atelier_model_cache_get (models, "isnet-medium", open_isnet, "isnet-medium",
                                                     (GDestroyNotify) atelier_isnet_free, error);
  g_autoptr (AtelierTensor) colour = net ? atelier_planes_rgb (image, error) : NULL;
  if (colour == NULL)
    return NULL;
  const AtelierSubjectResize resize = strcmp (atelier_filter_values_get_choice (values, "network-input"), "fit") == 0
                                        ? ATELIER_SUBJECT_RESIZE_FIT
                                        : ATELIER_SUBJECT_RESIZE_PACKAGE;
  const gint64 start = g_get_monotonic_time ();
  g_auto (AtelierSubjectMask) mask = { 0 };
  atelier_context_set_progress_span (ctx, 0.0, NETWORK_SHARE);
  gboolean ok = atelier_subject_mask_compute (ctx, net, colour, resize, &mask, error);
  const gint64 network_done = g_get_monotonic_time ();
  atelier_context_set_progress_span (ctx, NETWORK_SHARE, 1.0);
  const AtelierMatteOptions options = atelier_subject_matte_options (values);
  g_autoptr (AtelierTensor) matte = ok ? atelier_matte_refine (ctx, colour, mask.probability, &options, error) : NULL;
  atelier_context_set_progress_span (ctx, 0.0, 1.0);
  if (matte == NULL)
    return NULL;
  /* Read by tools/bench-select-subject.sh (G_MESSAGES_DEBUG=all). */
  g_debug ("select-subject: network %.3f s, matte %.3f s", (network_done - start) / 1e6,
           (g_get_monotonic_time () - network_done) / 1e6);
  if (!holds_subject (matte))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "no subject found: nothing in the image stands out from its background (a flat colour "
                           "or an even texture?)");
      return NULL;
    }
  *rgb = g_steal_pointer (&colour);
  return g_steal_pointer (&matte);
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
