/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The generated GTK3 dialog (needs a display: meson runs it under xvfb-run). */
#include "atelier-dialog.h"
#include "test-helpers.h"

#include <stdio.h>

static void
test_values_round_trip (void)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (&atelier_filter_upscale);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (values, "scale", 8, &error));
  g_assert_true (atelier_filter_values_set_choice (values, "model", "slim", &error));
  g_assert_true (atelier_filter_values_set (values, "tile", 256, &error));
  GtkWidget *dialog = atelier_dialog_new (&atelier_filter_upscale, values, "test");
  /* Clobber the values: reading the widgets must restore what they show. */
  for (int i = 0; i < atelier_filter_upscale.n_params; i++)
    values->values[i] = -1;
  atelier_dialog_read_values (dialog);
  g_assert_cmpint (atelier_filter_values_get_int (values, "scale"), ==, 8);
  g_assert_cmpstr (atelier_filter_values_get_choice (values, "model"), ==, "slim");
  g_assert_cmpint (atelier_filter_values_get_int (values, "tile"), ==, 256);

  atelier_dialog_reset (dialog);
  atelier_dialog_read_values (dialog);
  g_assert_cmpint (atelier_filter_values_get_int (values, "scale"), ==, 4);
  g_assert_cmpstr (atelier_filter_values_get_choice (values, "model"), ==, "thick");
  g_assert_cmpint (atelier_filter_values_get_int (values, "tile"), ==, 0);
  g_assert_true (atelier_filter_values_validate (values, &error));
  gtk_widget_destroy (dialog);
}

int
main (int argc, char **argv)
{
  if (!gtk_init_check (&argc, &argv))
    {
      printf ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dialog/values-round-trip", test_values_round_trip);
  return g_test_run ();
}
