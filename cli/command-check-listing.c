/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier check-listing DIR|FILE...`: what a marketplace checks of finished
 * product images, measured without changing any file: the share of the
 * border that is exactly white (RGB 255, opaque), how much of the frame the
 * product fills (the bounding box of everything not white), the long side and
 * the aspect. A CSV row or a JSON line per image. */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-report.h"
#include "listing-figures.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

static void
print_csv (const char *path, const AtelierListingFigures *f)
{
  atelier_cli_csv_quoted (path);
  printf (",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%.4f,%.4f,%.4f,%" G_GINT64_FORMAT
          ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n",
          f->width, f->height, MAX (f->width, f->height), (double) f->width / (double) f->height, f->white_border,
          f->fill, f->box[0], f->box[1], f->box[2], f->box[3]);
}

static void
print_json (const char *path, const AtelierListingFigures *f)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  atelier_listing_figures_add_json (b, f);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, FALSE);
  printf ("%s\n", text);
}

static gboolean
is_image_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  /* Hidden files are a batch's temporary outputs (atomic-file.h) and records, not listings. */
  return name[0] != '.'
         && (g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg"));
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The images of a folder (not its subfolders), sorted; a file argument as it is. */
static gboolean
add_images (GPtrArray *paths, const char *argument, GError **error)
{
  if (!g_file_test (argument, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (paths, g_strdup (argument));
      return TRUE;
    }
  g_autoptr (GDir) dir = g_dir_open (argument, 0, error);
  if (dir == NULL)
    return FALSE;
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    if (is_image_name (name))
      g_ptr_array_add (found, g_build_filename (argument, name, NULL));
  g_ptr_array_sort (found, compare_paths);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (paths, g_steal_pointer (&found->pdata[i]));
  return TRUE;
}

int
atelier_command_check_listing (int argc, char **argv)
{
  gboolean json = FALSE, csv = FALSE;
  int tolerance = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per image and line", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "CSV with a header row (the default)", NULL },
    { "tolerance", 0, 0, G_OPTION_ARG_INT, &tolerance,
      "Levels (of 255) below white still counted as background when finding the product, for JPEG noise "
      "(default 0; the border share always counts exact white only)",
      "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (
    "DIR|IMAGE... - marketplace figures of finished images: white border, product fill, long side, aspect");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return atelier_cli_fail (error);
  if (argc < 2 || (json && csv) || tolerance < 0 || tolerance > 255)
    {
      g_printerr ("usage: atelier check-listing [--json | --csv] [--tolerance 0..255] DIR|IMAGE... (see --help)\n");
      return 2;
    }
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; i < argc; i++)
    if (!add_images (paths, argv[i], &error))
      return atelier_cli_fail (error);
  if (!json)
    printf ("path,width,height,long_side,aspect,white_border,fill,box_x,box_y,box_width,box_height\n");
  int status = 0;
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GError) file_error = NULL;
      g_autoptr (AtelierImage) image = atelier_image_load (paths->pdata[i], &file_error);
      if (image == NULL)
        {
          g_printerr ("atelier: %s\n", file_error->message);
          status = 1;
          continue;
        }
      const AtelierListingFigures figures = atelier_listing_measure (image->pixels, tolerance / 255.0f);
      if (json)
        print_json (paths->pdata[i], &figures);
      else
        print_csv (paths->pdata[i], &figures);
    }
  return status;
}
