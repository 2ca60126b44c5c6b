/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier detect FILE...`: the AI-artifact detector as a report, one line
 * (or JSON object, or CSV row) per file. A "likely generated" verdict is a
 * finding, not a failure: the exit status is 0 unless a file could not be
 * analysed. */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-filter-options.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

typedef enum
{
  REPORT_TEXT,
  REPORT_JSON,
  REPORT_CSV,
} ReportFormat;

typedef struct
{
  ReportFormat format;
  gboolean features;       /* every spectral feature, for training and study */
  const char *output_dir;  /* where heat maps and spectra go, when asked for */
  const AtelierFilterValues *values;
} ReportOptions;

static void
csv_header (const ReportOptions *options)
{
  printf ("path,probability,verdict,jpeg_quality,tile_size");
  for (int i = 0; options->features && i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    printf (",%s", atelier_spectral_feature_info (i)->name);
  printf ("\n");
}

static void
csv_quoted (const char *text)
{
  if (strpbrk (text, ",\"\n") == NULL)
    {
      fputs (text, stdout);
      return;
    }
  putchar ('"');
  for (const char *c = text; *c; c++)
    {
      if (*c == '"')
        putchar ('"');
      putchar (*c);
    }
  putchar ('"');
}

static void
report_csv (const char *path, const AtelierImage *image, const AtelierDetection *d, const ReportOptions *options)
{
  csv_quoted (path);
  printf (",%.6f,%s,%d,%d", d->probability, atelier_verdict_nick (d->verdict), image->jpeg_quality,
          d->analysis->tile_size);
  for (int i = 0; options->features && i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    printf (",%.7g", d->analysis->features[i]);
  printf ("\n");
}

static void
report_json (const char *path, const AtelierImage *image, const AtelierDetection *d, double seconds,
             const ReportOptions *options)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "probability");
  json_builder_add_double_value (b, d->probability);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, atelier_verdict_nick (d->verdict));
  json_builder_set_member_name (b, "jpeg_quality");
  json_builder_add_int_value (b, image->jpeg_quality);
  json_builder_set_member_name (b, "jpeg_grid_set_aside");
  json_builder_add_boolean_value (b, (d->conditions & ATELIER_SPECTRAL_JPEG) != 0);
  json_builder_set_member_name (b, "grey_set_aside");
  json_builder_add_boolean_value (b, (d->conditions & ATELIER_SPECTRAL_GREY) != 0);
  json_builder_set_member_name (b, "conditions");
  json_builder_begin_array (b);
  for (int c = 0; c < ATELIER_SPECTRAL_CONDITION_COUNT; c++)
    if (d->conditions & (1 << c))
      json_builder_add_string_value (b, atelier_spectral_condition_nick (c));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, atelier_image_width (image));
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, atelier_image_height (image));
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, seconds);
  json_builder_set_member_name (b, "cues");
  json_builder_begin_array (b);
  for (int c = 0; c < d->n_cues; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, atelier_i18n (d->cues[c].text));
      json_builder_set_member_name (b, "weight");
      json_builder_add_double_value (b, d->cues[c].weight);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (atelier_filter_values_get_int (options->values, "heat-map"))
    {
      const AtelierSpectralAnalysis *a = d->analysis;
      json_builder_set_member_name (b, "tiles");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, a->tile_size);
      json_builder_set_member_name (b, "columns");
      json_builder_add_int_value (b, a->columns);
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, a->rows);
      json_builder_set_member_name (b, "probabilities");
      json_builder_begin_array (b);
      for (int t = 0; t < a->rows * a->columns; t++)
        json_builder_add_double_value (b, d->tile_probability[t]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  if (options->features)
    {
      json_builder_set_member_name (b, "features");
      json_builder_begin_object (b);
      for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
        {
          json_builder_set_member_name (b, atelier_spectral_feature_info (i)->name);
          json_builder_add_double_value (b, d->analysis->features[i]);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, FALSE);
  printf ("%s\n", text);
}

static void
report_text (const char *path, const AtelierDetection *d)
{
  printf ("%s: %.3f %s", path, d->probability, atelier_verdict_nick (d->verdict));
  for (int c = 0; c < d->n_cues; c++)
    printf ("%s%s", c == 0 ? " (" : "; ", atelier_i18n (d->cues[c].text));
  printf ("%s\n", d->n_cues > 0 ? ")" : "");
}

static gboolean
save_picture (AtelierTensor *pixels, const char *input, const char *suffix, const char *dir, GError **error)
{
  g_autofree char *base = g_path_get_basename (input);
  char *dot = strrchr (base, '.');
  if (dot != NULL)
    *dot = '\0';
  g_autofree char *name = g_strconcat (base, suffix, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (AtelierImage) picture = atelier_image_new (pixels, 8);
  return atelier_image_save (picture, path, 8, 92, error);
}

/* The pictures asked for, rendered before the clock stops so that the
 * reported seconds include the heat map. */
typedef struct
{
  AtelierTensor *heat_map, *spectrum;
} Pictures;

static void
pictures_clear (Pictures *p)
{
  g_clear_pointer (&p->heat_map, atelier_tensor_free);
  g_clear_pointer (&p->spectrum, atelier_tensor_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pictures, pictures_clear)

static gboolean
render_pictures (const AtelierImage *image, const AtelierDetection *d, const ReportOptions *options, Pictures *p,
                 GError **error)
{
  if (options->output_dir == NULL)
    return TRUE;
  if (atelier_filter_values_get_int (options->values, "heat-map")
      && (p->heat_map = atelier_detection_render_heat_map (d, 3, atelier_image_width (image),
                                                           atelier_image_height (image), error)) == NULL)
    return FALSE;
  if (atelier_filter_values_get_int (options->values, "spectrum")
      && (p->spectrum = atelier_detection_render_spectrum (d, error)) == NULL)
    return FALSE;
  return TRUE;
}

static gboolean
save_pictures (const char *path, Pictures *p, const ReportOptions *options, GError **error)
{
  if (p->heat_map != NULL
      && !save_picture (g_steal_pointer (&p->heat_map), path, ".heat-map.png", options->output_dir, error))
    return FALSE;
  if (p->spectrum != NULL
      && !save_picture (g_steal_pointer (&p->spectrum), path, ".spectrum.png", options->output_dir, error))
    return FALSE;
  return TRUE;
}

/* Features without the classifier: what the training script learns from,
 * before any model exists. The set_aside column names the features the
 * detector would set aside (for a JPEG file, as the filter's "auto" does),
 * so that the script takes them as the engine does. */
static gboolean
features_only (AtelierContext *ctx, const char *path, GError **error)
{
  g_autoptr (AtelierImage) image = atelier_image_load (path, error);
  const gboolean jpeg = image != NULL && image->format == ATELIER_IMAGE_FORMAT_JPEG;
  g_autoptr (AtelierSpectralAnalysis) a = image ? atelier_spectral_analysis_run (ctx, image->pixels, jpeg, error) : NULL;
  if (a == NULL)
    return FALSE;
  csv_quoted (path);
  printf (",%d,%d,", image->jpeg_quality, a->tile_size);
  const guint64 set_aside = atelier_spectral_set_aside (a->conditions | (jpeg ? ATELIER_SPECTRAL_JPEG : 0));
  const char *separator = "";
  for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    if ((set_aside >> i) & 1)
      {
        printf ("%s%s", separator, atelier_spectral_feature_info (i)->name);
        separator = " ";
      }
  for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    printf (",%.7g", a->features[i]);
  printf ("\n");
  return TRUE;
}

static gboolean
detect_file (AtelierContext *ctx, const char *path, const ReportOptions *options, GError **error)
{
  g_autoptr (AtelierImage) image = atelier_image_load (path, error);
  if (image == NULL)
    return FALSE;
  const gint64 start = g_get_monotonic_time ();
  g_autoptr (AtelierDetection) d = atelier_filter_detect_run (ctx, options->values, image->pixels,
                                                              image->format == ATELIER_IMAGE_FORMAT_JPEG, error);
  g_auto (Pictures) pictures = { NULL, NULL };
  if (d == NULL || !render_pictures (image, d, options, &pictures, error))
    return FALSE;
  const double seconds = (g_get_monotonic_time () - start) / 1e6;
  switch (options->format)
    {
    case REPORT_TEXT:
      report_text (path, d);
      break;
    case REPORT_JSON:
      report_json (path, image, d, seconds, options);
      break;
    case REPORT_CSV:
      report_csv (path, image, d, options);
      break;
    }
  return save_pictures (path, &pictures, options, error);
}

int
atelier_command_detect (int argc, char **argv)
{
  int threads = 0;
  gboolean json = FALSE, csv = FALSE, features = FALSE, only_features = FALSE;
  g_autofree char *output_dir = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per file and line", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "CSV with a header row", NULL },
    { "features", 0, 0, G_OPTION_ARG_NONE, &features, "Add every spectral feature to the JSON or CSV", NULL },
    { "features-only", 0, 0, G_OPTION_ARG_NONE, &only_features,
      "CSV of path, jpeg_quality, tile_size, the features set aside and every feature, without the classifier "
      "(for training)", NULL },
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      "Write each file's heat map (and with --spectrum its spectrum) as PNG into DIR", "DIR" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "N" },
    { NULL },
  };
  int parse_status;
  g_autoptr (AtelierFilterValues) values = atelier_cli_filter_parse (&atelier_filter_detect, entries,
                                                                     "FILE... - how likely each image is AI-generated",
                                                                     &argc, &argv, &parse_status);
  if (values == NULL)
    return parse_status;
  if (argc < 2 || (json && csv))
    {
      g_printerr ("usage: atelier detect [--json | --csv] [OPTIONS] FILE... (see --help)\n");
      return 2;
    }
  if (output_dir != NULL && g_mkdir_with_parents (output_dir, 0755) != 0)
    {
      g_printerr ("atelier: cannot create %s\n", output_dir);
      return 1;
    }
  const ReportOptions options = { json ? REPORT_JSON : csv ? REPORT_CSV : REPORT_TEXT, features, output_dir, values };
  if (only_features)
    printf ("path,jpeg_quality,tile_size,set_aside");
  for (int i = 0; only_features && i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    printf (",%s", atelier_spectral_feature_info (i)->name);
  if (only_features)
    printf ("\n");
  else if (csv)
    csv_header (&options);
  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  int status = 0;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) file_error = NULL;
      if (!(only_features ? features_only (ctx, argv[i], &file_error)
                          : detect_file (ctx, argv[i], &options, &file_error)))
        {
          g_printerr ("atelier: %s: %s\n", argv[i], file_error->message);
          status = 1;
        }
      fflush (stdout);
    }
  return status;
}
