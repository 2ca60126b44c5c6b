/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-provenance.h"

#include "core/atelier-error.h"

const char *
atelier_provenance_agent (void)
{
  return "Atelier " ATELIER_VERSION;
}

static gboolean
set_text (GExiv2Metadata *metadata, const char *tag, const char *value, GError **error)
{
  return gexiv2_metadata_try_set_tag_string (metadata, tag, value, error);
}

/* The number of xmpMM:History entries already there, so that a new run is appended, not written over them. */
static int
history_length (GExiv2Metadata *metadata)
{
  int n = 0;
  for (;; n++)
    {
      g_autofree char *tag = g_strdup_printf ("Xmp.xmpMM.History[%d]/stEvt:action", n + 1);
      g_autoptr (GError) error = NULL;
      if (!gexiv2_metadata_try_has_tag (metadata, tag, &error))
        return n;
    }
}

gboolean
atelier_provenance_stamp (GExiv2Metadata *metadata, const AtelierProvenanceEvent *event, GError **error)
{
  const char *source = atelier_digital_source_uri (event->source);
  g_autoptr (GDateTime) now = event->when ? g_date_time_to_utc (event->when) : g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  const int n = history_length (metadata);
  g_autofree char *entry = g_strdup_printf ("Xmp.xmpMM.History[%d]/stEvt:", n + 1);
  g_autofree char *action = g_strconcat (entry, "action", NULL);
  g_autofree char *agent = g_strconcat (entry, "softwareAgent", NULL);
  g_autofree char *at = g_strconcat (entry, "when", NULL);
  g_autofree char *parameters = g_strconcat (entry, "parameters", NULL);
  gboolean ok = (source == NULL || set_text (metadata, "Xmp.iptcExt.DigitalSourceType", source, error))
                && set_text (metadata, "Xmp.xmp.CreatorTool", atelier_provenance_agent (), error)
                && (n > 0 || gexiv2_metadata_try_set_xmp_tag_struct (metadata, "Xmp.xmpMM.History",
                                                                      GEXIV2_STRUCTURE_XA_SEQ, error))
                && set_text (metadata, action, event->action, error)
                && set_text (metadata, agent, atelier_provenance_agent (), error) && set_text (metadata, at, when, error)
                && (event->parameters == NULL || set_text (metadata, parameters, event->parameters, error));
  return ok;
}

/* The input's metadata is the starting point, so that its EXIF, IPTC and XMP survive the edit; an input exiv2
 * cannot read (or none) starts from the output's own. */
static GExiv2Metadata *
starting_metadata (const char *input, const char *output, int64_t width, int64_t height, GError **error)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  if (input != NULL && gexiv2_metadata_open_path (metadata, input, NULL))
    {
      /* The pixels changed: the input's EXIF thumbnail and sizes would describe another picture. */
      const gboolean sized = gexiv2_metadata_try_has_tag (metadata, "Exif.Photo.PixelXDimension", NULL);
      gexiv2_metadata_try_erase_exif_thumbnail (metadata, error);
      if ((error != NULL && *error != NULL)
          || (sized && (!gexiv2_metadata_try_set_tag_long (metadata, "Exif.Photo.PixelXDimension", (glong) width, error)
                        || !gexiv2_metadata_try_set_tag_long (metadata, "Exif.Photo.PixelYDimension", (glong) height,
                                                              error))))
        return NULL;
      return g_steal_pointer (&metadata);
    }
  g_clear_object (&metadata);
  metadata = gexiv2_metadata_new ();
  return gexiv2_metadata_open_path (metadata, output, error) ? g_steal_pointer (&metadata) : NULL;
}

gboolean
atelier_provenance_write_file (const char *input, const char *output, int64_t width, int64_t height,
                               const AtelierProvenanceEvent *event, GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autoptr (GExiv2Metadata) metadata = starting_metadata (input, output, width, height, &inner);
  if (metadata != NULL && atelier_provenance_stamp (metadata, event, &inner)
      && gexiv2_metadata_save_file (metadata, output, &inner))
    return TRUE;
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s: cannot write its provenance metadata: %s",
               output, inner ? inner->message : "unknown error");
  return FALSE;
}
