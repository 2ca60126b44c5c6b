/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Filter descriptions: defaults, validation and the range texts that the PDB
 * documentation, the command line and error messages share. */
#include "test-helpers.h"

#include <math.h>
#include <string.h>

static const int odd_sizes[] = { 1, 3, 5, 0 };
static const AtelierParamChoice modes[] = { { "fast", "Fast" }, { "good", "Good" }, { NULL } };
static const AtelierParamSpec params[] = {
  { "size", ATELIER_PARAM_INT, "_Size", "Kernel size", 1, 5, 3, 2, 0, odd_sizes, NULL },
  { "count", ATELIER_PARAM_INT, "_Count", "Steps", 1, 50, 20, 1, 0, NULL, NULL },
  { "strength", ATELIER_PARAM_DOUBLE, "_Strength", "How strong", 0.0, 1.0, 0.75, 0.05, 2, NULL, NULL },
  { "shadow", ATELIER_PARAM_BOOLEAN, "S_hadow", "Add a shadow", 0, 1, 1, 1, 0, NULL, NULL },
  { "mode", ATELIER_PARAM_CHOICE, "_Mode", "Speed or quality", 0, 1, 1, 1, 0, NULL, modes },
};
static const AtelierFilterInfo info = { "test", "_Test...", "A test filter", "Help", params, G_N_ELEMENTS (params), NULL, 0 };

static void
test_defaults_and_access (void)
{
  g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_validate (v, &error));
  g_assert_cmpint (atelier_filter_values_get_int (v, "size"), ==, 3);
  g_assert_cmpfloat (atelier_filter_values_get (v, "strength"), ==, 0.75);
  g_assert_cmpstr (atelier_filter_values_get_choice (v, "mode"), ==, "good");
  g_assert_true (atelier_filter_values_set_choice (v, "mode", "fast", &error));
  g_assert_cmpstr (atelier_filter_values_get_choice (v, "mode"), ==, "fast");
  g_assert_cmpint (atelier_filter_param_index (&info, "shadow"), ==, 3);
  g_assert_cmpint (atelier_filter_param_index (&info, "nope"), ==, -1);
  g_assert_false (atelier_filter_values_set (v, "nope", 1, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static void
test_range_texts (void)
{
  const char *expected[] = { "1, 3 or 5", "1 to 50", "0.00 to 1.00", "0 or 1", "fast or good" };
  for (int i = 0; i < info.n_params; i++)
    {
      g_autofree char *text = atelier_param_describe_range (&params[i]);
      g_assert_cmpstr (text, ==, expected[i]);
    }
}

static void
test_validation (void)
{
  const struct
  {
    const char *name;
    double value;
    gboolean valid;
  } cases[] = {
    { "size", 5, TRUE }, { "size", 4, FALSE }, { "size", 3.5, FALSE },
    { "count", 50, TRUE }, { "count", 51, FALSE }, { "count", 0, FALSE },
    { "strength", 0.0, TRUE }, { "strength", 1.01, FALSE }, { "strength", NAN, FALSE },
    { "shadow", 0, TRUE }, { "shadow", 2, FALSE },
    { "mode", 1, TRUE }, { "mode", 2, FALSE }, { "mode", -1, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_filter_values_set (v, cases[i].name, cases[i].value, &error));
      gboolean ok = atelier_filter_values_validate (v, &error);
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (!ok)
        {
          /* The message names the filter, the parameter and what it accepts. */
          g_assert_nonnull (strstr (error->message, "test: "));
          g_assert_nonnull (strstr (error->message, cases[i].name));
          g_assert_nonnull (strstr (error->message, "must be"));
        }
    }
  g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
  g_autoptr (GError) error = NULL;
  g_assert_false (atelier_filter_values_set_choice (v, "mode", "best", &error));
  g_assert_nonnull (strstr (error->message, "mode must be fast or good, not \"best\""));
}

static void
test_registry (void)
{
  int n;
  const AtelierFilterInfo *const *all = atelier_filters (&n);
  g_assert_cmpint (n, >=, 1);
  g_assert_true (atelier_filter_find ("upscale") == &atelier_filter_upscale);
  g_assert_null (atelier_filter_find ("nope"));
  /* Every shipped description's defaults are valid, and every choice default exists. */
  for (int f = 0; f < n; f++)
    {
      g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (all[f]);
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_filter_values_validate (v, &error));
      g_assert_no_error (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filters/defaults-and-access", test_defaults_and_access);
  g_test_add_func ("/filters/range-texts", test_range_texts);
  g_test_add_func ("/filters/validation", test_validation);
  g_test_add_func ("/filters/registry", test_registry);
  return g_test_run ();
}
