/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the XMP (and EXIF, IPTC) that Detect AI Artifacts and
 * the provenance writer read through exiv2 (gexiv2): any bytes as an image
 * file or an XMP packet, then the tag the provenance reader asks for. exiv2 is
 * Debian's build, not instrumented, so this finds crashes and hangs in what we
 * hand it rather than its out-of-bounds reads; fuzz/fuzz-provenance.c covers our
 * own parsers. */
#include <gexiv2/gexiv2.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gsize initialised = 0;
  if (g_once_init_enter (&initialised))
    {
      gexiv2_initialize ();
      gexiv2_log_set_level (GEXIV2_LOG_LEVEL_MUTE);
      g_once_init_leave (&initialised, 1);
    }
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr (GError) error = NULL;
  if (gexiv2_metadata_open_buf (metadata, data, (glong) size, &error))
    {
      /* Read and dropped: the reading is what is fuzzed. */
      const char *tags[] = { "Xmp.iptcExt.DigitalSourceType", "Xmp.xmpMM.History[1]/stEvt:action" };
      for (gsize i = 0; i < G_N_ELEMENTS (tags); i++)
        g_free (gexiv2_metadata_try_get_tag_string (metadata, tags[i], NULL));
    }
  return 0;
}
