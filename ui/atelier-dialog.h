/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The GTK3 dialog of a filter, generated from its description: one row per
 * parameter with a mnemonic label and the widget its type calls for, the
 * tooltip from its help, and Reset, Cancel and OK buttons. Knows nothing of
 * GIMP. */

#include <gtk/gtk.h>

#include "atelier.h"

/* Builds the dialog with @values' current values; OK writes the widgets back. */
GtkWidget *atelier_dialog_new (const AtelierFilterInfo *info, AtelierFilterValues *values, const char *title);
/* Copies the widgets' state into the values given at construction. */
void atelier_dialog_read_values (GtkWidget *dialog);
/* Puts the description's defaults into the widgets. */
void atelier_dialog_reset (GtkWidget *dialog);

/* Runs the dialog; TRUE when the user pressed OK (values updated). */
gboolean atelier_dialog_run (const AtelierFilterInfo *info, AtelierFilterValues *values, const char *title);

#define ATELIER_DIALOG_RESPONSE_RESET 1
