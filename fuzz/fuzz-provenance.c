/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for what Detect AI Artifacts reads from a file it did not
 * make: the PNG/JPEG metadata walker (text chunks, EXIF texts, APP11 JUMBF
 * reassembly) and the C2PA reader (JUMBF boxes, CBOR through libcbor). The
 * input is tried both as a whole file and as a bare manifest store. XMP is
 * parsed by exiv2, which OSS-Fuzz fuzzes upstream. */
#include "provenance/atelier-c2pa.h"
#include "provenance/atelier-file-metadata.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
read_store (const guint8 *store, gsize size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierC2paManifest) manifest = atelier_c2pa_read (store, size, &error);
  g_assert ((manifest == NULL) == (error != NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFileMetadata) metadata = atelier_file_metadata_parse (data, size, &error);
  g_assert ((metadata == NULL) == (error != NULL));
  if (metadata != NULL && metadata->c2pa != NULL)
    {
      gsize store_size = 0;
      const guint8 *store = g_bytes_get_data (metadata->c2pa, &store_size);
      read_store (store, store_size);
    }
  read_store (data, size);
  return 0;
}
