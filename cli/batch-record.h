/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What a batch remembers of each output so that a rerun can skip it: the
 * JSON line reported when the output was made (settings, input and output
 * checksums, Atelier's version, figures), kept in DIR/.atelier-batch/ beside
 * the outputs, and a lock per output so that two tasks never write one. */

#include "atelier.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The file's SHA-256 in hex. */
char *atelier_batch_file_sha256 (const char *path, GError **error);

/* Every parameter by name (choices by nick, colours as "#rrggbb"), then "output" = @output_options: the object
 * whose text a rerun compares. */
JsonNode *atelier_batch_settings (const AtelierFilterValues *values, const char *output_options);

/* The record kept for @output_path, or NULL when there is none (or it is unreadable: the output is redone). */
JsonObject *atelier_batch_record_load (const char *output_path);
gboolean atelier_batch_record_save (const char *output_path, JsonNode *line, GError **error);

/* TRUE when @record says @output_path was made by this @version from an input with @input_sha256 and
 * @settings, and the output is still the file it made. */
gboolean atelier_batch_record_matches (JsonObject *record, const char *output_path, const char *version,
                                       const char *input_sha256, JsonNode *settings);

/* Takes the lock of @output_path (released when the returned descriptor is closed, or the process dies); -1
 * with @error when another task holds it. */
int atelier_batch_lock (const char *output_path, GError **error);

G_END_DECLS
