/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "core/atelier-i18n.h"

#include <libintl.h>

void
atelier_i18n_init (void)
{
  const char *dir = g_getenv ("ATELIER_LOCALEDIR");
  bindtextdomain ("atelier", dir && *dir ? dir : ATELIER_LOCALEDIR);
  bind_textdomain_codeset ("atelier", "UTF-8");
}

const char *
atelier_i18n (const char *text)
{
  return g_dgettext ("atelier", text);
}
