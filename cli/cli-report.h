/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A filter's results on the command line, read from its description: a text
 * line, a JSON object or a CSV row per file. */

#include "atelier.h"

#include <json-glib/json-glib.h>

typedef enum
{
  ATELIER_CLI_REPORT_TEXT, /* "FILE: name value, ..." of the results a person reads (those with a label) */
  ATELIER_CLI_REPORT_JSON, /* every result by name, lists as arrays, with the file's facts */
  ATELIER_CLI_REPORT_CSV,  /* path, the single-valued results, the file's facts */
} AtelierCliReportFormat;

/* What the command line knows of the file besides the filter's results. */
typedef struct
{
  const char *path;
  gint64 width, height;
  int jpeg_quality; /* 0: not a JPEG */
  double seconds;   /* the filter's run, pictures included */
} AtelierCliFileFacts;

/* @text as a CSV field on stdout: quoted (quotes doubled) when it holds a comma, a quote or a newline. */
void atelier_cli_csv_quoted (const char *text);

void atelier_cli_report_csv_header (const AtelierFilterInfo *info);
void atelier_cli_report (const AtelierFilterOutput *out, const AtelierCliFileFacts *facts, AtelierCliReportFormat format);
/* Every result by name into the object @b is building (lists as arrays): the JSON report's and the batch's. */
void atelier_cli_report_json_results (JsonBuilder *b, const AtelierFilterOutput *out);
