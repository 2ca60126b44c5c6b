/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Finds the manifest of model @name ("esrgan-thick-x4"). Searched, first
 * match wins: each directory in $ATELIER_MODEL_PATH (colon-separated), the
 * user's $XDG_DATA_HOME/atelier/models (~/.local/share/atelier/models), the
 * installed data directory, then the source tree's models/ (for uninstalled
 * builds). Each directory is searched with its immediate subdirectories. A
 * @name containing '/' or ending in ".json" is a path and is returned as is.
 * The error lists the directories searched and how to set models up. */
char *atelier_model_find (const char *name, GError **error);

/* The directories searched, in order (newly allocated, NULL-terminated). */
char **atelier_model_search_path (void);

G_END_DECLS
