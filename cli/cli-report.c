/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-report.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

static gboolean
single_valued (const AtelierResultSpec *spec)
{
  return spec->type != ATELIER_RESULT_TEXTS && spec->type != ATELIER_RESULT_NUMBERS;
}

void
atelier_cli_csv_quoted (const char *text)
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

void
atelier_cli_report_csv_header (const AtelierFilterInfo *info)
{
  printf ("path");
  for (int i = 0; i < info->n_results; i++)
    if (single_valued (&info->results[i]))
      printf (",%s", info->results[i].name);
  printf (",width,height,jpeg_quality\n");
}

static void
print_single (const AtelierResultSpec *spec, const AtelierResultValue *v)
{
  switch (spec->type)
    {
    case ATELIER_RESULT_DOUBLE:
      printf ("%.6f", v->number);
      break;
    case ATELIER_RESULT_INT:
    case ATELIER_RESULT_BOOLEAN:
      printf ("%.0f", v->number);
      break;
    case ATELIER_RESULT_STRING:
      atelier_cli_csv_quoted (v->text ? v->text : "");
      break;
    case ATELIER_RESULT_TEXTS:
    case ATELIER_RESULT_NUMBERS:
      g_assert_not_reached ();
    }
}

static void
report_csv (const AtelierFilterOutput *out, const AtelierCliFileFacts *facts)
{
  atelier_cli_csv_quoted (facts->path);
  for (int i = 0; i < out->info->n_results; i++)
    if (single_valued (&out->info->results[i]))
      {
        putchar (',');
        print_single (&out->info->results[i], &out->results[i]);
      }
  printf (",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%d\n", facts->width, facts->height, facts->jpeg_quality);
}

static void
report_text (const AtelierFilterOutput *out, const AtelierCliFileFacts *facts)
{
  printf ("%s:", facts->path);
  const char *separator = " ";
  for (int i = 0; i < out->info->n_results; i++)
    {
      const AtelierResultSpec *spec = &out->info->results[i];
      const AtelierResultValue *v = &out->results[i];
      if (spec->label == NULL || (spec->type == ATELIER_RESULT_TEXTS && (v->texts == NULL || v->texts->len == 0)))
        continue;
      printf ("%s%s ", separator, spec->name);
      separator = "; ";
      if (spec->type == ATELIER_RESULT_TEXTS)
        for (guint t = 0; t < v->texts->len; t++)
          printf ("%s%s", t ? " / " : "", atelier_i18n (v->texts->pdata[t]));
      else if (spec->type == ATELIER_RESULT_NUMBERS)
        for (guint n = 0; v->numbers != NULL && n < v->numbers->len; n++)
          printf ("%s%g", n ? " " : "", g_array_index (v->numbers, double, n));
      else
        print_single (spec, v);
    }
  printf ("\n");
}

static void
json_result (JsonBuilder *b, const AtelierResultSpec *spec, const AtelierResultValue *v)
{
  json_builder_set_member_name (b, spec->name);
  switch (spec->type)
    {
    case ATELIER_RESULT_DOUBLE:
      json_builder_add_double_value (b, v->number);
      break;
    case ATELIER_RESULT_INT:
      json_builder_add_int_value (b, (gint64) v->number);
      break;
    case ATELIER_RESULT_BOOLEAN:
      json_builder_add_boolean_value (b, v->number != 0);
      break;
    case ATELIER_RESULT_STRING:
      json_builder_add_string_value (b, v->text ? v->text : "");
      break;
    case ATELIER_RESULT_TEXTS:
      json_builder_begin_array (b);
      for (guint t = 0; v->texts != NULL && t < v->texts->len; t++)
        json_builder_add_string_value (b, atelier_i18n (v->texts->pdata[t]));
      json_builder_end_array (b);
      break;
    case ATELIER_RESULT_NUMBERS:
      json_builder_begin_array (b);
      for (guint n = 0; v->numbers != NULL && n < v->numbers->len; n++)
        json_builder_add_double_value (b, g_array_index (v->numbers, double, n));
      json_builder_end_array (b);
      break;
    }
}

void
atelier_cli_report_json_results (JsonBuilder *b, const AtelierFilterOutput *out)
{
  for (int i = 0; i < out->info->n_results; i++)
    json_result (b, &out->info->results[i], &out->results[i]);
}

static void
report_json (const AtelierFilterOutput *out, const AtelierCliFileFacts *facts)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, facts->path);
  atelier_cli_report_json_results (b, out);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, facts->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, facts->height);
  json_builder_set_member_name (b, "jpeg_quality");
  json_builder_add_int_value (b, facts->jpeg_quality);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, facts->seconds);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, FALSE);
  printf ("%s\n", text);
}

void
atelier_cli_report (const AtelierFilterOutput *out, const AtelierCliFileFacts *facts, AtelierCliReportFormat format)
{
  switch (format)
    {
    case ATELIER_CLI_REPORT_TEXT:
      report_text (out, facts);
      break;
    case ATELIER_CLI_REPORT_JSON:
      report_json (out, facts);
      break;
    case ATELIER_CLI_REPORT_CSV:
      report_csv (out, facts);
      break;
    }
}
