/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-output-names.h"

#include <string.h>

/* The parts of @path that can tell it apart: its folders, nearest last, its base name without extension and
 * the extension (NULL when it has none). */
typedef struct
{
  char *absolute;
  char **folders; /* from the root down */
  int n_folders;
  char *stem;
  char *extension;
} PathParts;

static void
path_parts_init (PathParts *p, const char *path)
{
  p->absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *folder = g_path_get_dirname (p->absolute);
  p->folders = g_strsplit (folder + 1, G_DIR_SEPARATOR_S, -1); /* + 1: past the root's separator */
  p->n_folders = (int) g_strv_length (p->folders);
  p->stem = g_path_get_basename (p->absolute);
  char *dot = strrchr (p->stem, '.');
  p->extension = dot != NULL && dot != p->stem ? g_strdup (dot + 1) : NULL;
  if (p->extension != NULL)
    *dot = '\0';
}

static void
path_parts_clear (PathParts *p)
{
  g_free (p->absolute);
  g_strfreev (p->folders);
  g_free (p->stem);
  g_free (p->extension);
}

/* Level 0 is the stem; each odd level adds the extension, each even one another folder. */
static char *
stem_at_level (const PathParts *p, int level)
{
  const int folders = MIN (level / 2, p->n_folders);
  GString *name = g_string_new (NULL);
  for (int i = p->n_folders - folders; i < p->n_folders; i++)
    g_string_append_printf (name, "%s-", p->folders[i]);
  g_string_append (name, p->stem);
  if (level % 2 == 1 && p->extension != NULL)
    g_string_append_printf (name, "-%s", p->extension);
  return g_string_free (name, FALSE);
}

static int
max_level (const PathParts *p)
{
  return 2 * p->n_folders + 1;
}

GPtrArray *
atelier_cli_output_stems (int n_files, char *const *files)
{
  PathParts *parts = g_new0 (PathParts, MAX (n_files, 1));
  g_autofree int *levels = g_new0 (int, MAX (n_files, 1));
  GPtrArray *stems = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < n_files; i++)
    {
      path_parts_init (&parts[i], files[i]);
      g_ptr_array_add (stems, stem_at_level (&parts[i], 0));
    }
  /* Every input that shares its stem with another file goes one level deeper, until none do or none can. */
  gboolean changed = TRUE;
  while (changed)
    {
      changed = FALSE;
      g_autoptr (GHashTable) first_path = g_hash_table_new (g_str_hash, g_str_equal); /* stem -> a file's path */
      g_autoptr (GHashTable) shared = g_hash_table_new (g_str_hash, g_str_equal);     /* stems of two files */
      for (int i = 0; i < n_files; i++)
        {
          const char *other = g_hash_table_lookup (first_path, stems->pdata[i]);
          if (other == NULL)
            g_hash_table_insert (first_path, stems->pdata[i], parts[i].absolute);
          else if (strcmp (other, parts[i].absolute) != 0)
            g_hash_table_add (shared, stems->pdata[i]);
        }
      g_autofree gboolean *deeper = g_new0 (gboolean, MAX (n_files, 1));
      for (int i = 0; i < n_files; i++)
        deeper[i] = g_hash_table_contains (shared, stems->pdata[i]) && levels[i] < max_level (&parts[i]);
      for (int i = 0; i < n_files; i++)
        if (deeper[i])
          {
            g_free (stems->pdata[i]);
            stems->pdata[i] = stem_at_level (&parts[i], ++levels[i]);
            changed = TRUE;
          }
    }
  /* What the path cannot set apart, a number does; a numbered name is checked against every name too. */
  g_autoptr (GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  for (int i = 0; i < n_files; i++)
    g_hash_table_add (taken, stems->pdata[i]);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) replaced = g_ptr_array_new_with_free_func (g_free); /* still keys of the tables */
  for (int i = 0; i < n_files; i++)
    {
      if (!g_hash_table_contains (seen, stems->pdata[i]))
        {
          g_hash_table_add (seen, stems->pdata[i]);
          continue;
        }
      char *numbered = NULL;
      for (int n = 2; numbered == NULL || g_hash_table_contains (taken, numbered); n++)
        {
          g_free (numbered);
          numbered = g_strdup_printf ("%s-%d", (const char *) stems->pdata[i], n);
        }
      g_ptr_array_add (replaced, stems->pdata[i]);
      stems->pdata[i] = numbered;
      g_hash_table_add (taken, numbered);
      g_hash_table_add (seen, numbered);
    }
  for (int i = 0; i < n_files; i++)
    path_parts_clear (&parts[i]);
  g_free (parts);
  return stems;
}
