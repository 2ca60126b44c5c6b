/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier NAME`: any filter from the command line, built from its description
 * (engine/filters/atelier-filter-NAME.c): its flags come from the parameters,
 * its form from the output kind. A filter that changes pixels reads INPUT and
 * writes OUTPUT (a new layer composited over the input, as GIMP shows it); a
 * filter that needs a selection takes it from --mask; a report reads FILE...
 * and prints one line (or JSON object, or CSV row) per file, read from the
 * description's results. Pictures (a heat map, a spectrum) go to --output-dir
 * as FILE.NAME.png. With --output-dir, a filter that changes pixels takes
 * INPUT... instead and writes each result into DIR, through one filter
 * instance so that its model is opened once for the whole batch. A "likely generated" verdict is a finding, not a failure:
 * the exit status is 0 unless a file could not be processed. */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-filter-options.h"
#include "cli-output-names.h"
#include "cli-progress.h"
#include "cli-report.h"

#include <stdio.h>
#include <string.h>

typedef struct
{
  int threads, bit_depth, quality;
  gboolean json, csv;
  char *mask_path, *output_dir;
} FileOptions;

static void
file_options_clear (FileOptions *o)
{
  g_free (o->mask_path);
  g_free (o->output_dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FileOptions, file_options_clear)

/* The options a filter's output kind and needs call for, ended by a NULL entry. */
static GArray *
file_entries (const AtelierFilterInfo *info, FileOptions *o)
{
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry threads = { "threads", 't', 0, G_OPTION_ARG_INT, &o->threads, "Threads (default: all cores)", "N" };
  const GOptionEntry pictures = { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &o->output_dir,
                                  info->output == ATELIER_OUTPUT_REPORT
                                    ? "Write the filter's pictures (heat map, spectrum...) as FILE.NAME.png into DIR "
                                      "(inputs of one name keep their extension or folder: photo-jpg, a-0)"
                                    : "Batch: take INPUT... and write each result (and picture) into DIR (inputs "
                                      "of one name keep their extension or folder: photo-jpg.jpg, a-0.png)",
                                  "DIR" };
  g_array_append_val (entries, threads);
  g_array_append_val (entries, pictures);
  if (info->needs_selection)
    {
      const GOptionEntry mask = { "mask", 0, 0, G_OPTION_ARG_FILENAME, &o->mask_path,
                                  "Mask image of the input's size: white (or opaque) = selected", "FILE" };
      g_array_append_val (entries, mask);
    }
  if (info->output == ATELIER_OUTPUT_REPORT)
    {
      const GOptionEntry json = { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "One JSON object per file and line", NULL };
      const GOptionEntry csv = { "csv", 0, 0, G_OPTION_ARG_NONE, &o->csv, "CSV with a header row", NULL };
      g_array_append_val (entries, json);
      g_array_append_val (entries, csv);
      return entries;
    }
  const GOptionEntry bit_depth = { "bit-depth", 0, 0, G_OPTION_ARG_INT, &o->bit_depth,
                                   info->output == ATELIER_OUTPUT_SELECTION
                                     ? "PNG output bit depth, 8 or 16 (default 8)"
                                     : "PNG output bit depth, 8 or 16 (default: the input's)",
                                   "N" };
  const GOptionEntry quality = { "quality", 'q', 0, G_OPTION_ARG_INT, &o->quality, "JPEG output quality (default 92)", "Q" };
  g_array_append_val (entries, bit_depth);
  g_array_append_val (entries, quality);
  return entries;
}

/* The mask's selection: its alpha when it has one and the alpha is not all opaque, else its grey value (the
 * mean of its colours). */
static AtelierTensor *
selection_of (const AtelierImage *mask, GError **error)
{
  g_autoptr (AtelierTensor) alpha = atelier_planes_alpha_view (mask->pixels);
  gboolean alpha_used = FALSE;
  for (int64_t i = 0; alpha != NULL && i < atelier_tensor_numel (alpha); i++)
    alpha_used |= alpha->data[i] < 1.0f;
  if (alpha_used)
    return atelier_tensor_copy (alpha, error);
  g_autoptr (AtelierTensor) rgb = atelier_planes_rgb (mask->pixels, error);
  return rgb ? atelier_planes_from_rgb (rgb, 1, error) : NULL;
}

static AtelierTensor *
load_selection (const char *path, const AtelierImage *input, GError **error)
{
  g_autoptr (AtelierImage) mask = atelier_image_load (path, error);
  if (mask == NULL)
    return NULL;
  if (atelier_image_width (mask) != atelier_image_width (input) || atelier_image_height (mask) != atelier_image_height (input))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "the mask is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", the image %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   ": they must be the same size", atelier_image_width (mask), atelier_image_height (mask),
                   atelier_image_width (input), atelier_image_height (input));
      return NULL;
    }
  return selection_of (mask, error);
}

/* The pictures as DIR/STEM.NAME.png, @stem from atelier_cli_output_stems. */
static gboolean
save_pictures (const AtelierFilterOutput *out, const char *stem, const char *dir, GError **error)
{
  for (guint i = 0; dir != NULL && i < out->pictures->len; i++)
    {
      const AtelierFilterPicture *picture = out->pictures->pdata[i];
      g_autofree char *name = g_strdup_printf ("%s.%s.png", stem, picture->name);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      AtelierTensor *pixels = atelier_tensor_copy (picture->pixels, error);
      if (pixels == NULL)
        return FALSE;
      g_autoptr (AtelierImage) image = atelier_image_new (pixels, 8);
      if (!atelier_image_save (image, path, 8, 92, error))
        return FALSE;
    }
  return TRUE;
}

/* What the output file holds: the new pixels, a new layer over the input (or alone: a cut-out), the selection as
 * grey. */
static AtelierTensor *
output_pixels (const AtelierFilterInfo *info, const AtelierTensor *input, const AtelierFilterOutput *out,
               GError **error)
{
  if (info->output == ATELIER_OUTPUT_NEW_LAYER && !info->new_layer_alone)
    return atelier_planes_over (out->pixels, input, error);
  return atelier_tensor_copy (out->pixels, error);
}

/* A selection is a mask: 8 bits whatever the input's depth, unless --bit-depth says otherwise. */
static int
output_bit_depth (const AtelierFilterInfo *info, const FileOptions *o, const AtelierImage *input)
{
  if (o->bit_depth != 0)
    return o->bit_depth;
  return info->output == ATELIER_OUTPUT_SELECTION ? 8 : input->bit_depth;
}

/* Runs the filter on one file; @label ("[2/5] ") starts its lines, and a failure names the file when in a batch. */
static int
file_failed (const char *path, const char *label, GError *error)
{
  if (*label == '\0')
    return atelier_cli_fail (error);
  g_printerr ("%satelier: %s: %s\n", label, path, error->message);
  return 1;
}

static int
run_on_image (AtelierFilter *filter, const AtelierFilterValues *values, const FileOptions *o, const char *in_path,
              const char *out_path, const char *label)
{
  const AtelierFilterInfo *info = atelier_filter_get_info (filter);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) input = atelier_image_load (in_path, &error);
  g_autoptr (AtelierTensor) selection = input && o->mask_path ? load_selection (o->mask_path, input, &error) : NULL;
  if (input == NULL || (o->mask_path != NULL && selection == NULL))
    return file_failed (in_path, label, error);

  g_autoptr (AtelierContext) ctx = atelier_context_new (o->threads);
  atelier_cli_progress_attach (ctx);
  const gint64 start = g_get_monotonic_time ();
  const AtelierFilterInput in = { input->pixels, selection, input->format == ATELIER_IMAGE_FORMAT_JPEG };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  atelier_cli_progress_finish ();
  AtelierTensor *pixels = out ? output_pixels (info, input->pixels, out, &error) : NULL;
  if (pixels == NULL)
    return file_failed (in_path, label, error);
  g_autoptr (AtelierImage) output = atelier_image_new (pixels, input->bit_depth);
  /* In a batch the output's own name is the input's unique stem. */
  g_autofree char *stem = g_path_get_basename (out_path);
  char *dot = strrchr (stem, '.');
  if (dot != NULL)
    *dot = '\0';
  if (!atelier_image_save (output, out_path, output_bit_depth (info, o, input), o->quality, &error)
      || !save_pictures (out, stem, o->output_dir, &error))
    return file_failed (in_path, label, error);
  g_autofree char *settings = atelier_filter_values_describe (values);
  printf ("%s%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " -> %s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " (%s; %.1f s)\n",
          label, in_path, atelier_image_width (input), atelier_image_height (input), out_path, atelier_image_width (output),
          atelier_image_height (output), settings, (g_get_monotonic_time () - start) / 1e6);
  return 0;
}

/* Where @input's result goes in @dir: its unique @stem, with .png for a mask or a cut-out (which JPEG cannot
 * hold), the input's own extension otherwise. */
static char *
batch_output_path (const AtelierFilterInfo *info, const char *dir, const char *input, const char *stem)
{
  g_autofree char *base = g_path_get_basename (input);
  const gboolean png = info->output == ATELIER_OUTPUT_SELECTION || info->new_layer_alone;
  const char *dot = strrchr (base, '.');
  g_autofree char *name = g_strconcat (stem, png || dot == NULL ? ".png" : dot, NULL);
  return g_build_filename (dir, name, NULL);
}

/* The output paths of a batch, or NULL with a message when two inputs would be written to one path or an output
 * would overwrite an input. */
static GPtrArray *
batch_output_paths (const AtelierFilterInfo *info, const char *dir, int n_files, char **files)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) stems = atelier_cli_output_stems (n_files, files);
  for (int i = 0; i < n_files; i++)
    g_hash_table_add (inputs, g_canonicalize_filename (files[i], NULL));
  for (int i = 0; i < n_files; i++)
    {
      char *path = batch_output_path (info, dir, files[i], stems->pdata[i]);
      g_ptr_array_add (paths, path);
      g_autofree char *canonical = g_canonicalize_filename (path, NULL);
      const char *other = g_hash_table_lookup (outputs, canonical);
      if (other != NULL || g_hash_table_contains (inputs, canonical))
        {
          if (other != NULL)
            g_printerr ("atelier: %s and %s would both be written to %s: nothing done\n", other, files[i], path);
          else
            g_printerr ("atelier: %s's result would overwrite the input %s: nothing done\n", files[i], path);
          return NULL;
        }
      g_hash_table_insert (outputs, g_steal_pointer (&canonical), files[i]);
    }
  return g_steal_pointer (&paths);
}

/* Every input into the output folder through one filter instance; a file that fails is reported and the rest go
 * on, the exit status saying whether any failed. */
static int
run_batch (AtelierFilter *filter, const AtelierFilterValues *values, const FileOptions *o, int n_files, char **files)
{
  g_autoptr (GPtrArray) outputs = batch_output_paths (atelier_filter_get_info (filter), o->output_dir, n_files, files);
  if (outputs == NULL)
    return 2;
  int failed = 0;
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *label = g_strdup_printf ("[%d/%d] ", i + 1, n_files);
      failed += run_on_image (filter, values, o, files[i], outputs->pdata[i], label) != 0;
      fflush (stdout);
    }
  if (failed > 0)
    g_printerr ("atelier: %d of %d files failed\n", failed, n_files);
  return failed > 0 ? 1 : 0;
}

/* One report per file, all through the same filter instance, so its model is opened once. */
static int
report_files (AtelierFilter *filter, const AtelierFilterValues *values, const FileOptions *o, int n_files,
              char **files)
{
  const AtelierCliReportFormat format = o->json ? ATELIER_CLI_REPORT_JSON : o->csv ? ATELIER_CLI_REPORT_CSV
                                                                                 : ATELIER_CLI_REPORT_TEXT;
  if (format == ATELIER_CLI_REPORT_CSV)
    atelier_cli_report_csv_header (atelier_filter_get_info (filter));
  g_autoptr (AtelierContext) ctx = atelier_context_new (o->threads);
  g_autoptr (GPtrArray) stems = atelier_cli_output_stems (n_files, files);
  int status = 0;
  for (int i = 0; i < n_files; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierImage) image = atelier_image_load (files[i], &error);
      const gint64 start = g_get_monotonic_time ();
      const AtelierFilterInput in = { image ? image->pixels : NULL, NULL,
                                      image && image->format == ATELIER_IMAGE_FORMAT_JPEG };
      g_autoptr (AtelierFilterOutput) out = image ? atelier_filter_apply (filter, ctx, values, &in, &error) : NULL;
      if (out != NULL && save_pictures (out, stems->pdata[i], o->output_dir, &error))
        {
          const AtelierCliFileFacts facts = { files[i], atelier_image_width (image), atelier_image_height (image),
                                              image->jpeg_quality, (g_get_monotonic_time () - start) / 1e6 };
          atelier_cli_report (out, &facts, format);
        }
      else
        {
          g_printerr ("atelier: %s: %s\n", files[i], error->message);
          status = 1;
        }
      fflush (stdout);
    }
  return status;
}

int
atelier_command_filter (const AtelierFilterInfo *info, int argc, char **argv)
{
  g_auto (FileOptions) o = { .quality = 92 };
  g_autoptr (GArray) entries = file_entries (info, &o);
  const gboolean report = info->output == ATELIER_OUTPUT_REPORT;
  g_autofree char *summary = g_strdup_printf ("%s - %s", report ? "FILE..." : "INPUT OUTPUT | --output-dir DIR INPUT...",
                                              atelier_i18n (info->blurb));
  int parse_status;
  g_autoptr (AtelierFilterValues) values = atelier_cli_filter_parse (info, (const GOptionEntry *) entries->data, summary,
                                                                     &argc, &argv, &parse_status);
  if (values == NULL)
    return parse_status;
  const gboolean batch = !report && o.output_dir != NULL;
  if (report || batch ? argc < 2 || (o.json && o.csv)
                      : argc != 3 || (info->needs_selection && o.mask_path == NULL))
    {
      g_printerr ("usage: atelier %s [OPTIONS]%s %s (see --help)\n", info->name,
                  info->needs_selection ? " --mask MASK" : "",
                  report ? "[--json | --csv] FILE..." : "INPUT OUTPUT | --output-dir DIR INPUT...");
      return 2;
    }
  if (o.output_dir != NULL && g_mkdir_with_parents (o.output_dir, 0755) != 0)
    {
      g_printerr ("atelier: cannot create %s\n", o.output_dir);
      return 1;
    }
  g_autoptr (AtelierFilter) filter = atelier_filter_new (info);
  if (report)
    return report_files (filter, values, &o, argc - 1, argv + 1);
  return batch ? run_batch (filter, values, &o, argc - 1, argv + 1) : run_on_image (filter, values, &o, argv[1], argv[2], "");
}
