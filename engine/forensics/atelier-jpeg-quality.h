/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* How hard a JPEG file was compressed, read from its luminance quantisation
 * table: the detector's evidence lies in the finest detail, which a coarse
 * table removes, so a heavily compressed file gets an uncertain verdict
 * (pipelines/atelier-detect.h). The pixels alone cannot tell it: a soft
 * photograph and a heavy JPEG both lack fine detail. */

#include <glib.h>

G_BEGIN_DECLS

/* The IJG quality (1..100) whose scaled standard luminance table (ITU-T T.81
 * Annex K) has the sum nearest to the file's table 0: camera tables are not
 * IJG's, but the nearest IJG quality still says how coarse they are. 0 when
 * @path is not a JPEG or holds no quantisation table before its first scan;
 * @error only when the file cannot be read. */
int atelier_jpeg_quality_of_file (const char *path, GError **error);

/* The same, from the 64 entries of a luminance table in any order. */
int atelier_jpeg_quality_of_table (const guint16 table[64]);

G_END_DECLS
