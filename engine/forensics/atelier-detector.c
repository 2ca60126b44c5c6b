/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-detector.h"

#include "core/atelier-error.h"
#include "model/atelier-model-path.h"
#include "model/atelier-model.h"

#include <math.h>
#include <string.h>

#define ARCHITECTURE "spectral-logistic"

struct _AtelierDetector
{
  float mean[ATELIER_DETECTOR_FEATURE_COUNT];   /* of the training features */
  float scale[ATELIER_DETECTOR_FEATURE_COUNT];  /* their standard deviations */
  float weight[ATELIER_DETECTOR_FEATURE_COUNT]; /* on standardised features */
  float bias;
  float calibration[2];    /* Platt: p = sigmoid (a * logit + b) */
  AtelierResidualCnn *cnn; /* NULL when the model weighs the spectral features alone */
};

void
atelier_detector_free (AtelierDetector *detector)
{
  if (detector == NULL)
    return;
  atelier_residual_cnn_free (detector->cnn);
  g_free (detector);
}

const char *
atelier_detector_feature_name (int index)
{
  g_return_val_if_fail (index >= 0 && index < ATELIER_DETECTOR_FEATURE_COUNT, NULL);
  return index < ATELIER_SPECTRAL_FEATURE_COUNT
           ? atelier_spectral_feature_info (index)->name
           : atelier_residual_cnn_feature_name (index - ATELIER_SPECTRAL_FEATURE_COUNT);
}

AtelierSpectralCue
atelier_detector_feature_cue (int index)
{
  g_return_val_if_fail (index >= 0 && index < ATELIER_DETECTOR_FEATURE_COUNT, ATELIER_SPECTRAL_CUE_COUNT);
  return index < ATELIER_SPECTRAL_FEATURE_COUNT ? atelier_spectral_feature_info (index)->cue
                                                : ATELIER_SPECTRAL_CUE_LEARNED_RESIDUAL;
}

const AtelierResidualCnn *
atelier_detector_get_cnn (const AtelierDetector *detector)
{
  return detector->cnn;
}

/* How many features the model was trained on: the spectral ones, or those and the CNN's; 0 (and @error) for any
 * other list. */
static int
trained_feature_count (const AtelierManifest *manifest, GError **error)
{
  JsonObject *config = atelier_manifest_get_config (manifest);
  JsonNode *node = config ? json_object_get_member (config, "features") : NULL;
  JsonArray *names = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  const guint length = names ? json_array_get_length (names) : 0;
  gboolean same = length == ATELIER_SPECTRAL_FEATURE_COUNT || length == ATELIER_DETECTOR_FEATURE_COUNT;
  for (guint i = 0; same && i < length; i++)
    {
      JsonNode *name = json_array_get_element (names, i);
      same = JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING
             && strcmp (json_node_get_string (name), atelier_detector_feature_name ((int) i)) == 0;
    }
  if (!same)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT,
                   "%s: its config.features list is not the %d spectral features this version of Atelier computes, "
                   "nor those and the %d of its residual CNN (retrain with models/detector/harness.py --write-model)",
                   atelier_manifest_get_path (manifest), ATELIER_SPECTRAL_FEATURE_COUNT,
                   ATELIER_RESIDUAL_CNN_FEATURE_COUNT);
      return 0;
    }
  return (int) length;
}

static gboolean
load_vector (const AtelierModel *model, const char *name, float *out, int64_t length, GError **error)
{
  g_autoptr (AtelierTensor) t = atelier_model_load_tensor (model, name, 1, (const int64_t[]) { length }, error);
  if (t == NULL)
    return FALSE;
  memcpy (out, t->data, sizeof (float) * length);
  return TRUE;
}

AtelierDetector *
atelier_detector_open (const char *name_or_path, GError **error)
{
  g_autofree char *path = atelier_model_find (name_or_path, error);
  g_autoptr (AtelierModel) model = path ? atelier_model_open (path, error) : NULL;
  if (model == NULL)
    return NULL;
  const AtelierManifest *manifest = atelier_model_get_manifest (model);
  if (g_strcmp0 (atelier_manifest_get_architecture (manifest), ARCHITECTURE) != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED, "%s: architecture \"%s\" is not %s", path,
                   atelier_manifest_get_architecture (manifest), ARCHITECTURE);
      return NULL;
    }
  g_autoptr (AtelierDetector) d = g_new0 (AtelierDetector, 1);
  const int count = trained_feature_count (manifest, error);
  if (count == 0 || !load_vector (model, "mean", d->mean, count, error)
      || !load_vector (model, "scale", d->scale, count, error) || !load_vector (model, "weight", d->weight, count, error)
      || !load_vector (model, "bias", &d->bias, 1, error) || !load_vector (model, "calibration", d->calibration, 2, error))
    return NULL;
  /* A model of the spectral features alone: the CNN's count at their mean, weighing nothing. */
  for (int i = count; i < ATELIER_DETECTOR_FEATURE_COUNT; i++)
    d->scale[i] = 1;
  if (count == ATELIER_DETECTOR_FEATURE_COUNT && (d->cnn = atelier_residual_cnn_load (model, error)) == NULL)
    return NULL;
  for (int i = 0; i < count; i++)
    if (!(d->scale[i] > 0) || !isfinite (d->mean[i]) || !isfinite (d->weight[i]))
      {
        g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT,
                     "%s: feature %s has a non-positive scale or a non-finite mean or weight", path,
                     atelier_detector_feature_name (i));
        return NULL;
      }
  return g_steal_pointer (&d);
}

guint64
atelier_detector_weighed_spectral_features (const AtelierDetector *d)
{
  guint64 weighed = 0;
  for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    if (d->weight[i] != 0)
      weighed |= G_GUINT64_CONSTANT (1) << i;
  return weighed;
}

double
atelier_detector_probability (const AtelierDetector *d, const float features[ATELIER_DETECTOR_FEATURE_COUNT],
                              guint64 set_aside, float contributions[ATELIER_DETECTOR_FEATURE_COUNT])
{
  double logit = d->bias;
  float share[ATELIER_DETECTOR_FEATURE_COUNT];
  for (int i = 0; i < ATELIER_DETECTOR_FEATURE_COUNT; i++)
    {
      const gboolean masked = i < ATELIER_SPECTRAL_FEATURE_COUNT ? (set_aside >> i) & 1
                                                                 : (set_aside & ATELIER_DETECTOR_CNN_SET_ASIDE) != 0;
      const double z = masked ? 0 : (features[i] - d->mean[i]) / d->scale[i];
      share[i] = (float) (d->weight[i] * z);
      logit += share[i];
    }
  if (contributions != NULL)
    for (int i = 0; i < ATELIER_DETECTOR_FEATURE_COUNT; i++)
      contributions[i] = d->calibration[0] * share[i];
  const double calibrated = d->calibration[0] * logit + d->calibration[1];
  return 1.0 / (1.0 + exp (-calibrated));
}
