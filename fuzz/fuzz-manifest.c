/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the model manifest parser and its config getters. */
#include "atelier.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierManifest) m = atelier_manifest_new_from_data ((const char *) data, size, "/nonexistent", &error);
  if (m == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  gint64 i;
  double d;
  const char *s;
  g_autofree gint64 *array = NULL;
  guint n;
  g_clear_error (&error);
  atelier_manifest_config_int (m, "channels", &i, &error);
  g_clear_error (&error);
  atelier_manifest_config_double (m, "scale", &d, &error);
  g_clear_error (&error);
  atelier_manifest_config_string (m, "activation", &s, &error);
  g_clear_error (&error);
  atelier_manifest_config_int_array (m, "blocks", &array, &n, &error);
  g_free (atelier_manifest_to_string (m));
  return 0;
}
