/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One entry of a table mapping the names used in manifests and on the
 * command line to enum values. */
typedef struct
{
  const char *name;
  int value;
} AtelierNamedValue;

/* Fails with ATELIER_ERROR_UNSUPPORTED: 'unknown <what> "<name>" (one of a, b, c)'. */
gboolean atelier_named_value_lookup (const AtelierNamedValue *table, gsize count, const char *what,
                                     const char *name, int *value, GError **error);

G_END_DECLS
