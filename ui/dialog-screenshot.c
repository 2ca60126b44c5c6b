/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shows a filter's dialog and saves a screenshot of it, for the README:
 *   xvfb-run -a build/ui/dialog-screenshot upscale docs/dialog-upscale.png */
#include "atelier-dialog.h"

static gboolean
capture (gpointer data)
{
  GtkWidget *dialog = data;
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  GdkWindow *window = gtk_widget_get_window (dialog);
  g_autoptr (GdkPixbuf) shot = gdk_pixbuf_get_from_window (window, 0, 0, gdk_window_get_width (window),
                                                           gdk_window_get_height (window));
  g_autoptr (GError) error = NULL;
  if (shot == NULL || !gdk_pixbuf_save (shot, path, "png", &error, NULL))
    g_printerr ("dialog-screenshot: cannot save %s: %s\n", path, error ? error->message : "no window");
  gtk_main_quit ();
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  if (argc != 3 || !gtk_init_check (&argc, &argv))
    {
      g_printerr ("usage: dialog-screenshot FILTER OUTPUT.png (needs a display, e.g. xvfb-run)\n");
      return 2;
    }
  const AtelierFilterInfo *info = atelier_filter_find (argv[1]);
  if (info == NULL)
    {
      g_printerr ("dialog-screenshot: no filter \"%s\"\n", argv[1]);
      return 2;
    }
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (info);
  g_autofree char *title = g_strdup_printf ("Atelier: %s", info->blurb);
  GtkWidget *dialog = atelier_dialog_new (info, values, title);
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (argv[2]), g_free);
  gtk_widget_show (dialog);
  g_timeout_add (500, capture, dialog);
  gtk_main ();
  return 0;
}
