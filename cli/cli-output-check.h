/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* What a command will write, known before it starts working. */
typedef struct
{
  gboolean has_alpha; /* the result has transparency */
  int bit_depth;      /* --bit-depth: 0 for the default, else 8 or 16 */
  int quality;        /* --quality: JPEG quality 1..100 */
} AtelierCliOutputPlan;

/* --bit-depth and --quality in their ranges, whatever the output's format. */
gboolean atelier_cli_output_check_options (const AtelierCliOutputPlan *plan, GError **error);
/* @path can be written as @plan says: a known extension (.png, .jpg, .jpeg), a bit depth and transparency that
 * format holds, and a folder that exists and may be written to. Checked before any work, so that a typing
 * mistake costs no minutes of computation; the errors are ATELIER_ERROR_INVALID_ARGUMENT and name @path. */
gboolean atelier_cli_output_check (const char *path, const AtelierCliOutputPlan *plan, GError **error);
