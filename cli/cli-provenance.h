/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The provenance record every command writes into its image outputs
 * (docs/provenance.md): the input's metadata kept, the run's event added,
 * written into the temporary file before it takes its name. */

#include "provenance/atelier-provenance.h"

G_BEGIN_DECLS

typedef struct
{
  const char *input;  /* whose metadata is kept, or NULL */
  const char *output; /* the name the file will take, for messages */
  AtelierProvenanceEvent event;
  int64_t width, height;
} AtelierCliProvenance;

/* An AtelierImageFinish (atelier-image-io.h) for @data, an AtelierCliProvenance. The event's time is
 * $SOURCE_DATE_EPOCH when set (the reproducible-builds convention): a catalogue processed in shards, on several
 * machines or again later is then byte-identical (docs/batch.md); otherwise now. */
gboolean atelier_cli_stamp_provenance (const char *temporary_path, gpointer data, GError **error);

G_END_DECLS
