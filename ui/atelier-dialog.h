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
/* The widget of parameter @name (NULL: none); rows unused with the others' values are insensitive. */
GtkWidget *atelier_dialog_get_widget (GtkWidget *dialog, const char *name);

/* Adds the filter's preview beside the parameters, rendered by @filter from
 * @region and @selection (NULL: none) as its AtelierFilterPreview describes;
 * takes both. Returns the preview pane, or NULL when the filter has no preview. */
GtkWidget *atelier_dialog_add_preview (GtkWidget *dialog, AtelierFilter *filter, AtelierTensor *region,
                                       AtelierTensor *selection);

/* Runs the dialog, with a preview when @preview_region is given (see
 * atelier_dialog_add_preview); TRUE when the user pressed OK (values updated). */
gboolean atelier_dialog_run (AtelierFilter *filter, AtelierFilterValues *values, const char *title,
                             AtelierTensor *preview_region, AtelierTensor *preview_selection);

#define ATELIER_DIALOG_RESPONSE_RESET 1
