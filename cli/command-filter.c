/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier NAME`: any filter from the command line, built from its description
 * (engine/filters/atelier-filter-NAME.c): its flags come from the parameters,
 * its form from the output kind. A filter that changes pixels reads INPUT and
 * writes OUTPUT (a new layer composited over the input, as GIMP shows it); a
 * filter whose result is layers writes their composite, as GIMP shows the
 * visible layers (the source hidden when the filter hides it); a
 * filter that needs a selection takes it from --mask (one that can use one,
 * optionally); a report reads FILE...
 * and prints one line (or JSON object, or CSV row) per file, read from the
 * description's results. Pictures (a heat map, a spectrum) go to --output-dir
 * as FILE.NAME.png. With --output-dir, a filter that changes pixels takes
 * INPUT... instead and writes each result into DIR, through one filter
 * instance so that its model is opened once for the whole batch, with the
 * batch options of cli/cli-batch.h (--list, --shard, --jsonl, --force; reports
 * take --list and --shard too). A "likely generated" verdict is a finding, not
 * a failure: the exit status is 0 unless a file could not be processed. */
#include "atelier-image-io.h"
#include "cli-batch.h"
#include "cli-commands.h"
#include "cli-cost-history.h"
#include "cli-cost-model.h"
#include "cli-filter-options.h"
#include "cli-output-check.h"
#include "cli-output-names.h"
#include "cli-progress.h"
#include "cli-report.h"
#include "cli-provenance.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  int threads, bit_depth, quality;
  gboolean json, csv, quiet, no_provenance;
  char *mask_path, *output_dir;
  AtelierCliBatchOptions batch;
} FileOptions;

static void
file_options_clear (FileOptions *o)
{
  g_free (o->mask_path);
  g_free (o->output_dir);
  atelier_cli_batch_options_clear (&o->batch);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FileOptions, file_options_clear)

/* The options a filter's output kind and needs call for, ended by a NULL entry. */
static GArray *
file_entries (const AtelierFilterInfo *info, FileOptions *o)
{
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry threads = { "threads", 't', 0, G_OPTION_ARG_INT, &o->threads,
                                 atelier_i18n ("Threads (default: all cores)"), "N" };
  const GOptionEntry pictures = { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &o->output_dir,
                                  info->output == ATELIER_OUTPUT_REPORT
                                    ? atelier_i18n ("Write the filter's pictures (heat map, spectrum...) as "
                                                    "FILE.NAME.png into DIR (inputs of one name keep their extension "
                                                    "or folder: photo-jpg, a-0)")
                                    : atelier_i18n ("Batch: take INPUT... and write each result (and picture) into DIR "
                                                    "(inputs of one name keep their extension or folder: "
                                                    "photo-jpg.jpg, a-0.png)"),
                                  "DIR" };
  const GOptionEntry quiet = { "quiet", 0, 0, G_OPTION_ARG_NONE, &o->quiet,
                               atelier_i18n ("No progress line on the terminal"), NULL };
  g_array_append_val (entries, threads);
  g_array_append_val (entries, quiet);
  g_array_append_val (entries, pictures);
  atelier_cli_batch_add_entries (entries, &o->batch, info->output != ATELIER_OUTPUT_REPORT);
  if (info->needs_selection || info->uses_selection)
    {
      const GOptionEntry mask = { "mask", 0, 0, G_OPTION_ARG_FILENAME, &o->mask_path,
                                  info->needs_selection
                                    ? atelier_i18n ("Mask image of the input's size: white (or opaque) = selected")
                                    : atelier_i18n ("Mask image of the input's size: white (or opaque) = the subject "
                                                    "(default: found in the image)"),
                                  "FILE" };
      g_array_append_val (entries, mask);
    }
  if (info->output == ATELIER_OUTPUT_REPORT)
    {
      const GOptionEntry json = { "json", 0, 0, G_OPTION_ARG_NONE, &o->json,
                                  atelier_i18n ("One JSON object per file and line"), NULL };
      const GOptionEntry csv = { "csv", 0, 0, G_OPTION_ARG_NONE, &o->csv, atelier_i18n ("CSV with a header row"), NULL };
      g_array_append_val (entries, json);
      g_array_append_val (entries, csv);
      return entries;
    }
  const GOptionEntry bit_depth = { "bit-depth", 0, 0, G_OPTION_ARG_INT, &o->bit_depth,
                                   info->output == ATELIER_OUTPUT_SELECTION
                                     ? atelier_i18n ("PNG output bit depth, 8 or 16 (default 8)")
                                     : atelier_i18n ("PNG output bit depth, 8 or 16 (default: the input's)"),
                                   "N" };
  const GOptionEntry quality = { "quality", 'q', 0, G_OPTION_ARG_INT, &o->quality,
                                 atelier_i18n ("JPEG output quality, 1 to 100 (default 92); a transparent result "
                                               "needs a .png output"),
                                 "Q" };
  const GOptionEntry no_provenance = { "no-provenance", 0, 0, G_OPTION_ARG_NONE, &o->no_provenance,
                                       atelier_i18n ("Leave out the record of how the output was made (XMP: digital "
                                                     "source type, history); the input's other metadata is then not "
                                                     "copied either"), NULL };
  g_array_append_val (entries, bit_depth);
  g_array_append_val (entries, quality);
  g_array_append_val (entries, no_provenance);
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
      if (out->info->output == ATELIER_OUTPUT_LAYERS && picture->place == ATELIER_PICTURE_LAYER)
        continue; /* in the output file already */
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

/* @input on a canvas of the new layer's size, at out->canvas_offset, transparent (or black) around it: the
 * canvas a larger layer enlarges it to. */
static AtelierTensor *
on_canvas (const AtelierTensor *input, const AtelierFilterOutput *out, GError **error)
{
  const int64_t h = input->shape[2], w = input->shape[3], H = out->pixels->shape[2], W = out->pixels->shape[3];
  if (H == h && W == w)
    return atelier_tensor_copy (input, error);
  AtelierTensor *canvas = atelier_tensor_new_4d (1, input->shape[1], H, W, error);
  for (int64_t c = 0; canvas != NULL && c < input->shape[1]; c++)
    for (int64_t y = 0; y < h; y++)
      memcpy (&canvas->data[(c * H + out->canvas_offset[0] + y) * W + out->canvas_offset[1]],
              &input->data[(c * h + y) * w], w * sizeof (float));
  return canvas;
}

/* What the output file holds: the new pixels, a new layer over the input (or alone: a cut-out), new layers
 * composited, the selection as grey. */
static AtelierTensor *
output_pixels (const AtelierFilterInfo *info, const AtelierTensor *input, const AtelierFilterOutput *out,
               GError **error)
{
  if (info->output == ATELIER_OUTPUT_NEW_LAYER && !info->new_layer_alone)
    {
      g_autoptr (AtelierTensor) canvas = on_canvas (input, out, error);
      return canvas ? atelier_planes_over (out->pixels, canvas, error) : NULL;
    }
  if (info->output == ATELIER_OUTPUT_LAYERS)
    return atelier_filter_output_composite (out, input, error);
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

/* "atelier: PATH: message", naming the file once: the image readers' messages already name it. */
static void
print_file_error (const char *label, const char *path, const GError *error)
{
  if (strstr (error->message, path) != NULL)
    g_printerr ("%satelier: %s%s\n", label, error->message, atelier_cli_error_advice (error));
  else
    g_printerr ("%satelier: %s: %s%s\n", label, path, error->message, atelier_cli_error_advice (error));
}

/* Whether the result of @info on an image of @channels has transparency: a cut-out always, a mask never, other
 * results when the input has it. */
static gboolean
output_has_alpha (const AtelierFilterInfo *info, int channels)
{
  if (info->new_layer_alone)
    return TRUE;
  return info->output != ATELIER_OUTPUT_SELECTION && (channels == 2 || channels == 4);
}

/* @out_path can hold the result of @info on an input of @channels (0: not read yet, taken as opaque). */
static gboolean
check_output (const AtelierFilterInfo *info, const FileOptions *o, int channels, const char *out_path, GError **error)
{
  const AtelierCliOutputPlan plan = { output_has_alpha (info, channels), o->bit_depth, o->quality };
  return atelier_cli_output_check (out_path, &plan, error);
}

/* The kind of job whose times predict this one's: the command, its settings and its threads. */
static char *
job_kind (const AtelierFilterValues *values, const AtelierContext *ctx)
{
  g_autofree char *settings = atelier_filter_values_describe (values, NULL);
  return g_strdup_printf ("%s: %s; threads %d", values->info->name, settings, atelier_context_get_threads (ctx));
}

/* Runs @filter on @in with the expected time announced first, from earlier runs of the same kind (a first guess
 * before any), and this run's time recorded for the next. */
static AtelierFilterOutput *
apply_timed (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
             const AtelierFilterInput *in, AtelierCliProgress *progress, GError **error)
{
  g_autoptr (AtelierCliCostHistory) history = atelier_cli_cost_history_new ();
  g_autofree char *job = job_kind (values, ctx);
  const double megapixels = (double) in->image->shape[2] * (double) in->image->shape[3] / 1e6;
  const double measured = atelier_cli_cost_history_predict (history, job, megapixels);
  atelier_cli_progress_expect (progress,
                               measured >= 0.0 ? measured
                                               : atelier_cli_cost_model_guess (values, megapixels,
                                                                               atelier_context_get_threads (ctx)),
                               measured >= 0.0);
  atelier_cli_progress_attach (progress, ctx);
  const gint64 start = g_get_monotonic_time ();
  AtelierFilterOutput *out = atelier_filter_apply (filter, ctx, values, in, error);
  atelier_cli_progress_finish (progress);
  if (out != NULL)
    atelier_cli_cost_history_record (history, job, megapixels, (g_get_monotonic_time () - start) / 1e6);
  return out;
}

/* Runs the filter on the file @in_path into @out_path (and its pictures into --output-dir), filling @run. */
static gboolean
filter_file (AtelierFilter *filter, const AtelierFilterValues *values, const FileOptions *o, const char *in_path,
             const char *out_path, AtelierCliFileRun *run, GError **error)
{
  const AtelierFilterInfo *info = atelier_filter_get_info (filter);
  const gint64 start = g_get_monotonic_time ();
  g_autoptr (AtelierImage) input = atelier_image_load (in_path, error);
  g_autoptr (AtelierTensor) selection = input && o->mask_path ? load_selection (o->mask_path, input, error) : NULL;
  if (input == NULL || (o->mask_path != NULL && selection == NULL))
    return FALSE;
  run->width = atelier_image_width (input);
  run->height = atelier_image_height (input);
  if (!check_output (info, o, atelier_image_channels (input), out_path, error))
    {
      run->refused = TRUE;
      return FALSE;
    }
  const gint64 loaded = g_get_monotonic_time ();

  g_autoptr (AtelierContext) ctx = atelier_context_new (o->threads);
  g_autoptr (AtelierCliProgress) progress = atelier_cli_progress_new (o->quiet);
  const AtelierFilterInput in = { input->pixels, selection, input->format == ATELIER_IMAGE_FORMAT_JPEG, in_path };
  run->output = apply_timed (filter, ctx, values, &in, progress, error);
  AtelierTensor *pixels = run->output ? output_pixels (info, input->pixels, run->output, error) : NULL;
  if (pixels == NULL)
    return FALSE;
  const gint64 filtered = g_get_monotonic_time ();
  g_autoptr (AtelierImage) output = atelier_image_new (pixels, input->bit_depth);
  if (info->output != ATELIER_OUTPUT_SELECTION)
    atelier_image_keep_profile (output, input);
  run->output_width = atelier_image_width (output);
  run->output_height = atelier_image_height (output);
  g_autofree char *parameters = atelier_filter_values_record (values, run->output);
  /* In a batch the output's own name is the input's unique stem (cli-output-names.h): its pictures take it too. */
  g_autofree char *stem = g_path_get_basename (out_path);
  char *dot = strrchr (stem, '.');
  if (dot != NULL)
    *dot = '\0';
  AtelierCliProvenance provenance = { in_path, out_path, { run->output->digital_source, "edited", parameters, NULL },
                                      run->output_width, run->output_height };
  if (!atelier_image_save_finished (output, out_path, output_bit_depth (info, o, input), o->quality,
                                    o->no_provenance ? NULL : atelier_cli_stamp_provenance, &provenance, error)
      || !save_pictures (run->output, stem, o->output_dir, error))
    return FALSE;
  run->load_seconds = (loaded - start) / 1e6;
  run->filter_seconds = (filtered - loaded) / 1e6;
  run->save_seconds = (g_get_monotonic_time () - filtered) / 1e6;
  return TRUE;
}

static int
run_on_image (AtelierFilter *filter, const AtelierFilterValues *values, const FileOptions *o, const char *in_path,
              const char *out_path)
{
  g_autoptr (GError) error = NULL;
  g_auto (AtelierCliFileRun) run = { 0 };
  if (!filter_file (filter, values, o, in_path, out_path, &run, &error))
    return run.refused ? atelier_cli_usage_error (error) : atelier_cli_fail (error);
  g_autofree char *settings = atelier_filter_values_describe (values, run.output);
  printf ("%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " -> %s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " (%s; %.1f s)\n",
          in_path, run.width, run.height, out_path, run.output_width, run.output_height, settings,
          run.load_seconds + run.filter_seconds + run.save_seconds);
  return 0;
}

typedef struct
{
  AtelierFilter *filter;
  const FileOptions *options;
} BatchFiles;

static gboolean
filter_batch_file (const char *input, const char *output, const AtelierFilterValues *values, AtelierCliFileRun *run,
                   gpointer data, GError **error)
{
  const BatchFiles *files = data;
  return filter_file (files->filter, values, files->options, input, output, run, error);
}

/* Every input into the output folder through one filter instance, so that its model is opened once per task
 * (cli/cli-batch.h). */
static int
run_batch (AtelierFilter *filter, const AtelierFilterValues *values, const FileOptions *o, int n_files, char **files)
{
  BatchFiles data = { filter, o };
  g_autofree char *output_options = g_strdup_printf ("bit-depth %d, quality %d, mask %s", o->bit_depth, o->quality,
                                                      o->mask_path ? o->mask_path : "none");
  const AtelierCliBatch batch = { atelier_filter_get_info (filter), values, o->output_dir, output_options,
                                  filter_batch_file, &data };
  return atelier_cli_batch_run (&batch, &o->batch, n_files, files);
}

/* One report per file, all through the same filter instance, so its model is opened once. */
static int
report_files (AtelierFilter *filter, const AtelierFilterValues *values, const FileOptions *o, int n_arguments,
              char **arguments)
{
  g_autoptr (GError) list_error = NULL;
  g_autoptr (GPtrArray) slice = NULL;
  g_autoptr (GPtrArray) inputs = atelier_cli_batch_options_given (&o->batch)
                                   ? atelier_cli_batch_inputs (&o->batch, n_arguments, arguments, &slice, &list_error)
                                   : NULL;
  if (list_error != NULL)
    {
      atelier_cli_fail (list_error);
      return 2; /* a bad list or shard: nothing was done */
    }
  const int n_files = slice ? (int) slice->len : n_arguments;
  char **files = slice ? (char **) slice->pdata : arguments;
  const AtelierCliReportFormat format = o->json ? ATELIER_CLI_REPORT_JSON : o->csv ? ATELIER_CLI_REPORT_CSV
                                                                                 : ATELIER_CLI_REPORT_TEXT;
  if (format == ATELIER_CLI_REPORT_CSV)
    atelier_cli_report_csv_header (atelier_filter_get_info (filter));
  g_autoptr (AtelierContext) ctx = atelier_context_new (o->threads);
  g_autoptr (AtelierCliProgress) progress = atelier_cli_progress_new (o->quiet);
  g_autoptr (GPtrArray) stems = atelier_cli_output_stems (n_files, files);
  int status = 0;
  for (int i = 0; i < n_files; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierImage) image = atelier_image_load (files[i], &error);
      const gint64 start = g_get_monotonic_time ();
      const AtelierFilterInput in = { image ? image->pixels : NULL, NULL,
                                      image && image->format == ATELIER_IMAGE_FORMAT_JPEG, files[i] };
      g_autoptr (AtelierFilterOutput) out = image ? apply_timed (filter, ctx, values, &in, progress, &error) : NULL;
      if (out != NULL && save_pictures (out, stems->pdata[i], o->output_dir, &error))
        {
          const AtelierCliFileFacts facts = { files[i], atelier_image_width (image), atelier_image_height (image),
                                              image->jpeg_quality, (g_get_monotonic_time () - start) / 1e6 };
          atelier_cli_report (out, &facts, format);
        }
      else
        {
          print_file_error ("", files[i], error);
          status = 1;
        }
      fflush (stdout);
    }
  return status;
}

/* Everything about the options and the output that can be checked before an image is read: 0, or the exit
 * status after a message. @out_path: the single output, or NULL. */
static int
refuse_arguments (const AtelierFilterInfo *info, const FileOptions *o, const char *out_path)
{
  g_autoptr (GError) error = NULL;
  const AtelierCliOutputPlan plan = { info->new_layer_alone, o->bit_depth, o->quality };
  if (!atelier_cli_output_check_options (&plan, &error) || (out_path && !check_output (info, o, 0, out_path, &error)))
    return atelier_cli_usage_error (error);
  if (o->output_dir == NULL)
    return 0;
  if (g_mkdir_with_parents (o->output_dir, 0755) != 0)
    {
      g_printerr ("atelier: cannot create %s: %s\n", o->output_dir, g_strerror (errno));
      return 2;
    }
  g_autofree char *probe = g_build_filename (o->output_dir, "probe.png", NULL);
  if (!check_output (info, o, 0, probe, &error))
    {
      g_printerr ("atelier: cannot write into %s: %s\n", o->output_dir, g_strerror (EACCES));
      return 2;
    }
  return 0;
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
  const int least_files = o.batch.list_path != NULL ? 1 : 2;
  if (report || batch ? argc < least_files || (o.json && o.csv)
                      : argc != 3 || (info->needs_selection && o.mask_path == NULL)
                          || atelier_cli_batch_options_given (&o.batch))
    {
      g_printerr ("usage: atelier %s [OPTIONS]%s %s (see --help)\n", info->name,
                  info->needs_selection ? " --mask MASK" : "",
                  report ? "[--json | --csv] FILE..." : "INPUT OUTPUT | --output-dir DIR INPUT...");
      return 2;
    }
  const int refused = refuse_arguments (info, &o, batch || report ? NULL : argv[2]);
  if (refused != 0)
    return refused;
  if (o.no_provenance && !report)
    g_printerr ("atelier: --no-provenance: the output will not say that Atelier made or changed it\n");
  g_autoptr (AtelierFilter) filter = atelier_filter_new (info);
  if (report)
    return report_files (filter, values, &o, argc - 1, argv + 1);
  return batch ? run_batch (filter, values, &o, argc - 1, argv + 1) : run_on_image (filter, values, &o, argv[1], argv[2]);
}
