/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A dialog's preview: the source region and the filter's result on it, side
 * by side, re-rendered in a worker thread whenever the parameters change, so
 * the dialog never blocks. Works for any filter whose description has a
 * preview. */

#include <gtk/gtk.h>

#include "atelier.h"

/* Takes ownership of @region and @selection (may be NULL), in the form the
 * filter's AtelierFilterPreview asks for; renders through @filter (a reference
 * is kept), so every render reuses the models it opened. */
GtkWidget *atelier_preview_pane_new (AtelierFilter *filter, AtelierTensor *region, AtelierTensor *selection);
/* Renders @values after a short pause (the latest values win; a running
 * render of older values is cancelled). */
void atelier_preview_pane_update (GtkWidget *pane, const AtelierFilterValues *values);

/* For tests and screenshots: TRUE while a render is scheduled or running. */
gboolean atelier_preview_pane_is_busy (GtkWidget *pane);
/* The last rendered result as shown (NULL before the first), and the status line. */
GdkPixbuf *atelier_preview_pane_get_result (GtkWidget *pane);
const char *atelier_preview_pane_get_status (GtkWidget *pane);

/* @pixels (1, C, h, w), C = 1..4, values 0..1, as 8-bit RGBA over a checkerboard where transparent. */
GdkPixbuf *atelier_pixbuf_from_tensor (const AtelierTensor *pixels);
