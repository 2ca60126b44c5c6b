/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line's output names in a batch: one file per input, never two on one path (issue #24:
 * `atelier detect -o DIR a/0.png b/0.png` wrote one heat map over the other). */
#include "cli-output-names.h"

#include <string.h>

typedef struct
{
  const char *inputs[4]; /* NULL-ended */
  const char *stems[4];
} NamingCase;

static const NamingCase cases[] = {
  { { "a/0.png", "b/0.png", "c/1.png" }, { "a-0", "b-0", "1" } },
  { { "photo.png", "photo.jpg" }, { "photo-png", "photo-jpg" } },
  { { "x/a/0.png", "y/a/0.png" }, { "x-a-0", "y-a-0" } },
  { { "x/a/0.png", "y/a/0.jpg", "z.png" }, { "0-png", "0-jpg", "z" } },
  { { "same.png", "same.png", "same-2.png" }, { "same", "same-3", "same-2" } },
  { { "noext", "dir/noext" }, { NULL } }, /* only distinct: checked below */
};

static void
test_cases (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      int n = 0;
      while (n < 4 && cases[c].inputs[n] != NULL)
        n++;
      g_autoptr (GPtrArray) stems = atelier_cli_output_stems (n, (char *const *) cases[c].inputs);
      g_assert_cmpint (stems->len, ==, n);
      g_autoptr (GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);
      for (int i = 0; i < n; i++)
        {
          g_test_message ("%s -> %s", cases[c].inputs[i], (const char *) stems->pdata[i]);
          if (cases[c].stems[0] != NULL)
            g_assert_cmpstr (stems->pdata[i], ==, cases[c].stems[i]);
          g_assert_null (strchr (stems->pdata[i], G_DIR_SEPARATOR));
          g_hash_table_add (distinct, stems->pdata[i]);
        }
      g_assert_cmpint (g_hash_table_size (distinct), ==, n);
    }
}

/* Many inputs of few names in nested folders, random: the stems are always distinct. */
static void
test_always_distinct (void)
{
  const char *names[] = { "0.png", "0.jpg", "photo.png", "photo.jpg", "0-png.png", "a-0.png" };
  const char *folders[] = { "", "a/", "b/", "a/b/", "b/a/", "/tmp/a/" };
  for (int round = 0; round < 50; round++)
    {
      const int n = g_test_rand_int_range (2, 30);
      g_autoptr (GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
      for (int i = 0; i < n; i++)
        g_ptr_array_add (inputs, g_strconcat (folders[g_test_rand_int_range (0, G_N_ELEMENTS (folders))],
                                              names[g_test_rand_int_range (0, G_N_ELEMENTS (names))], NULL));
      g_autoptr (GPtrArray) stems = atelier_cli_output_stems (n, (char *const *) inputs->pdata);
      g_autoptr (GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);
      for (int i = 0; i < n; i++)
        g_hash_table_add (distinct, stems->pdata[i]);
      g_assert_cmpint (g_hash_table_size (distinct), ==, n);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/output-names/cases", test_cases);
  g_test_add_func ("/cli/output-names/always-distinct", test_always_distinct);
  return g_test_run ();
}
