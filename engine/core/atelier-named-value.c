/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "core/atelier-named-value.h"

#include "core/atelier-error.h"

gboolean
atelier_named_value_lookup (const AtelierNamedValue *table, gsize count, const char *what,
                            const char *name, int *value, GError **error)
{
  for (gsize i = 0; i < count; i++)
    if (g_strcmp0 (name, table[i].name) == 0)
      {
        *value = table[i].value;
        return TRUE;
      }
  g_autoptr (GString) names = g_string_new (NULL);
  for (gsize i = 0; i < count; i++)
    g_string_append_printf (names, i ? ", %s" : "%s", table[i].name);
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED, "unknown %s \"%s\" (one of %s)", what,
               name ? name : "(null)", names->str);
  return FALSE;
}
