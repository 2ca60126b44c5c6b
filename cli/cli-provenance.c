/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-provenance.h"

#include "provenance/atelier-file-metadata.h"

/* $SOURCE_DATE_EPOCH as a time, or NULL (unset or not a number of seconds). */
static GDateTime *
fixed_time (void)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  guint64 seconds;
  if (epoch == NULL || !g_ascii_string_to_unsigned (epoch, 10, 0, G_MAXINT64 / G_USEC_PER_SEC, &seconds, NULL))
    return NULL;
  return g_date_time_new_from_unix_utc ((gint64) seconds);
}

gboolean
atelier_cli_stamp_provenance (const char *temporary_path, gpointer data, GError **error)
{
  const AtelierCliProvenance *record = data;
  g_autoptr (GDateTime) when = fixed_time ();
  AtelierProvenanceEvent event = record->event;
  event.when = when;
  /* A C2PA manifest is signed over the input's bytes: it cannot follow the edit, and the user should know. */
  g_autoptr (AtelierFileMetadata) metadata = record->input ? atelier_file_metadata_read (record->input, NULL) : NULL;
  if (metadata != NULL && metadata->c2pa != NULL)
    g_printerr ("atelier: %s carries a C2PA manifest; editing invalidates its signature, so %s does not carry it "
                "(sign the output with a C2PA tool: docs/provenance.md)\n", record->input, record->output);
  return atelier_provenance_write_file (record->input, temporary_path, record->width, record->height, &event, error);
}
