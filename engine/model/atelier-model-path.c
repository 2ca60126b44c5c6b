/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "model/atelier-model-path.h"

#include "core/atelier-error.h"

#include <string.h>

char **
atelier_model_search_path (void)
{
  g_autoptr (GStrvBuilder) dirs = g_strv_builder_new ();
  const char *env = g_getenv ("ATELIER_MODEL_PATH");
  if (env != NULL && *env != '\0')
    {
      g_auto (GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (char **p = parts; *p != NULL; p++)
        if (**p != '\0')
          g_strv_builder_add (dirs, *p);
    }
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "atelier", "models", NULL);
  g_strv_builder_add (dirs, user);
  g_strv_builder_add (dirs, ATELIER_INSTALLED_MODEL_DIR);
  g_strv_builder_add (dirs, ATELIER_SOURCE_MODEL_DIR);
  return g_strv_builder_end (dirs);
}

static char *
find_in (const char *dir, const char *file)
{
  g_autofree char *direct = g_build_filename (dir, file, NULL);
  if (g_file_test (direct, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&direct);
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry;
  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *nested = g_build_filename (dir, entry, file, NULL);
      if (g_file_test (nested, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&nested);
    }
  return NULL;
}

char *
atelier_model_find (const char *name, GError **error)
{
  if (strchr (name, '/') != NULL || g_str_has_suffix (name, ".json"))
    return g_strdup (name);
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_auto (GStrv) dirs = atelier_model_search_path ();
  for (char **d = dirs; *d != NULL; d++)
    {
      char *found = find_in (*d, file);
      if (found != NULL)
        return found;
    }
  g_autofree char *searched = g_strjoinv (", ", dirs);
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_IO,
               "model \"%s\" not found (searched %s). Atelier's models are in its source tree's models/ folder "
               "and `meson install` installs them; the medium and thick upscalers are fetched by "
               "models/esrgan/setup.sh, ISNet (Select Subject, Cut Out, Replace Background) by models/isnet/setup.sh. "
               "Or put the model's .json and .safetensors in ~/.local/share/atelier/models",
               name, searched);
  return NULL;
}
