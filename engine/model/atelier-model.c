/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "model/atelier-model.h"

#include "core/atelier-error.h"

#include <nettle/sha2.h>
#include <stdarg.h>

struct _AtelierModel
{
  AtelierManifest *manifest;
  AtelierSafetensors *weights;
};

void
atelier_model_free (AtelierModel *model)
{
  if (model == NULL)
    return;
  atelier_manifest_free (model->manifest);
  atelier_safetensors_free (model->weights);
  g_free (model);
}

char *
atelier_sha256_hex (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  struct sha256_ctx context;
  sha256_init (&context);
  sha256_update (&context, size, data);
  guint8 digest[SHA256_DIGEST_SIZE];
  sha256_digest (&context, sizeof digest, digest);
  GString *hex = g_string_sized_new (2 * SHA256_DIGEST_SIZE);
  for (gsize i = 0; i < sizeof digest; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

AtelierModel *
atelier_model_open (const char *manifest_path, GError **error)
{
  g_autoptr (AtelierManifest) manifest = atelier_manifest_load (manifest_path, error);
  if (manifest == NULL)
    return NULL;
  g_autoptr (AtelierSafetensors) weights = atelier_safetensors_open (atelier_manifest_get_weights_path (manifest), error);
  if (weights == NULL)
    return NULL;
  g_autofree char *digest = atelier_sha256_hex (atelier_safetensors_get_bytes (weights));
  if (g_strcmp0 (digest, atelier_manifest_get_sha256 (manifest)) != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT,
                   "weights %s have sha256 %s but manifest %s expects %s: the file is damaged or "
                   "belongs to another model; run the model setup again",
                   atelier_manifest_get_weights_path (manifest), digest, manifest_path,
                   atelier_manifest_get_sha256 (manifest));
      return NULL;
    }
  AtelierModel *model = g_new0 (AtelierModel, 1);
  model->manifest = g_steal_pointer (&manifest);
  model->weights = g_steal_pointer (&weights);
  return model;
}

const AtelierManifest *
atelier_model_get_manifest (const AtelierModel *model)
{
  return model->manifest;
}

const AtelierSafetensors *
atelier_model_get_weights (const AtelierModel *model)
{
  return model->weights;
}

AtelierTensor *
atelier_model_load_tensor (const AtelierModel *model, const char *name, int rank, const int64_t *shape,
                           GError **error)
{
  const char *model_name = atelier_manifest_get_name (model->manifest);
  const AtelierSafetensorsEntry *entry = atelier_safetensors_lookup (model->weights, name);
  if (entry == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_MISSING_TENSOR,
                   "model \"%s\" has no tensor \"%s\" (weights %s)", model_name, name,
                   atelier_manifest_get_weights_path (model->manifest));
      return NULL;
    }
  g_autoptr (AtelierTensor) tensor = atelier_safetensors_load (model->weights, entry, error);
  if (tensor == NULL)
    return NULL;
  if (rank > 0)
    {
      g_autofree char *what = g_strdup_printf ("model \"%s\" tensor \"%s\"", model_name, name);
      if (!atelier_tensor_check_shape (tensor, what, rank, shape, error))
        return NULL;
    }
  return g_steal_pointer (&tensor);
}

AtelierTensor *
atelier_model_load_tensorf (const AtelierModel *model, int rank, const int64_t *shape, GError **error,
                            const char *name_format, ...)
{
  va_list args;
  va_start (args, name_format);
  g_autofree char *name = g_strdup_vprintf (name_format, args);
  va_end (args);
  return atelier_model_load_tensor (model, name, rank, shape, error);
}
