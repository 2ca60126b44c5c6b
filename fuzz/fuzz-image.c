/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: any byte string handed to the image reader (PNG, JPEG; the command line's masks are images
 * read the same way) either loads, as 1 to 4 planes of values in 0..1 no larger than the file says, or fails
 * with a GError that names the file. */
#include "atelier-image-io.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GError) error = NULL;
  /* A few bytes can declare 65535x65535 pixels; the reader's handling of large images is the allocator's, not
   * what is fuzzed here, and 4 Mpx keep each run within libFuzzer's memory limit. */
  g_autoptr (AtelierImage) image = atelier_image_load_bytes (bytes, "fuzz.img", 1 << 22, &error);
  if (image == NULL)
    {
      g_assert (error != NULL && strstr (error->message, "fuzz.img") != NULL);
      return 0;
    }
  g_assert (atelier_image_channels (image) >= 1 && atelier_image_channels (image) <= 4);
  for (gint64 i = 0; i < atelier_tensor_numel (image->pixels); i++)
    g_assert (image->pixels->data[i] >= 0.0f && image->pixels->data[i] <= 1.0f);
  return 0;
}
