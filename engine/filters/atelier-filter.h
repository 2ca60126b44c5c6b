/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One declarative description per filter, after GEGL's property tables: its
 * name, menu label, help and parameters with type, range, default, label and
 * tooltip. The GIMP procedure's PDB arguments, the dialog's widgets, the
 * command line's flags and the argument checks are all derived from it, so a
 * parameter is added to a filter by adding one entry. No GIMP or GTK here. */

#include <glib.h>

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* Marks a string for translation without translating it here (the front ends
 * translate with the "atelier" gettext domain). */
#define ATELIER_N_(text) (text)

typedef enum
{
  ATELIER_PARAM_INT,
  ATELIER_PARAM_DOUBLE,
  ATELIER_PARAM_BOOLEAN,
  ATELIER_PARAM_CHOICE, /* one of named choices; its value is the index */
} AtelierParamType;

typedef struct
{
  const char *nick;  /* "thick": command-line value and stable name */
  const char *label; /* translatable */
} AtelierParamChoice;

typedef struct
{
  const char *name;   /* "scale": PDB argument, command-line flag --scale */
  AtelierParamType type;
  const char *label;  /* translatable, with a mnemonic: "_Scale" */
  const char *help;   /* translatable tooltip and PDB description */
  double min, max;    /* INT, DOUBLE */
  double default_value; /* CHOICE: index; BOOLEAN: 0 or 1 */
  double step;        /* UI increment */
  int digits;         /* DOUBLE: decimals shown */
  const int *allowed; /* INT: only these values (NULL: the whole range), ended by 0 */
  const AtelierParamChoice *choices; /* CHOICE, ended by { NULL } */
} AtelierParamSpec;

/* What a filter reports besides its pixels (PDB return values, the command
 * line's report). */
typedef enum
{
  ATELIER_RESULT_DOUBLE,
  ATELIER_RESULT_STRING,
} AtelierResultType;

typedef struct
{
  const char *name; /* "probability" */
  AtelierResultType type;
  const char *help; /* translatable */
} AtelierResultSpec;

typedef struct _AtelierFilterValues AtelierFilterValues;

/* Which part of the source a dialog preview is rendered from. */
typedef enum
{
  ATELIER_PREVIEW_WINDOW,    /* a window at full resolution around the centre of the selection (or the layer) */
  ATELIER_PREVIEW_SELECTION, /* the selection's bounding box with as much context around it, reduced to fit */
} AtelierPreviewRegion;

/* The longest side, in pixels, of what a dialog preview shows. */
#define ATELIER_PREVIEW_SIDE 256

/* A filter cheap enough to run while its dialog is open renders itself on a
 * small part of the source; filters without one have no preview. */
typedef struct
{
  AtelierPreviewRegion region;
  int region_side; /* the longest side of the region the front end passes */
  const char *note; /* translatable: what the preview shows, when it is not the exact result, or NULL */
  /* @region (1, C, h, w), values 0..1, C = 1..4, and @selection (1, 1, h, w) over it (NULL: none).
   * Sets @before to the part of @region that the preview shows and @after to the filter's result on it; @after
   * may be larger (the dialog shows @before enlarged to its size, side by side). */
  gboolean (*render) (AtelierContext *ctx, const AtelierFilterValues *values, const AtelierTensor *region,
                      const AtelierTensor *selection, AtelierTensor **before, AtelierTensor **after,
                      GError **error);
} AtelierFilterPreview;

typedef struct
{
  const char *name;       /* "upscale": plug-in-atelier-upscale, `atelier upscale` */
  const char *menu_label; /* translatable: "_Upscale..." */
  const char *blurb;      /* translatable one-liner */
  const char *help;       /* translatable */
  const AtelierParamSpec *params;
  int n_params;
  const AtelierResultSpec *results; /* NULL when the filter only changes pixels */
  int n_results;
  const AtelierFilterPreview *preview; /* NULL: too slow to preview */
} AtelierFilterInfo;

/* Parameter values, one double per parameter in description order. */
struct _AtelierFilterValues
{
  const AtelierFilterInfo *info;
  double *values;
};

AtelierFilterValues *atelier_filter_values_new (const AtelierFilterInfo *info); /* the defaults */
AtelierFilterValues *atelier_filter_values_copy (const AtelierFilterValues *values);
void atelier_filter_values_free (AtelierFilterValues *values);
int atelier_filter_param_index (const AtelierFilterInfo *info, const char *name);
double atelier_filter_values_get (const AtelierFilterValues *values, const char *name);
int atelier_filter_values_get_int (const AtelierFilterValues *values, const char *name);
/* The nick of a CHOICE parameter's value. */
const char *atelier_filter_values_get_choice (const AtelierFilterValues *values, const char *name);
gboolean atelier_filter_values_set (AtelierFilterValues *values, const char *name, double value, GError **error);
gboolean atelier_filter_values_set_choice (AtelierFilterValues *values, const char *name, const char *nick,
                                           GError **error);

/* Every value in its range, allowed set or choices; the error names the
 * parameter and what it accepts. */
gboolean atelier_filter_values_validate (const AtelierFilterValues *values, GError **error);
/* "2, 3, 4 or 8", "0.0 to 1.0", "slim, medium or thick": for messages and help. */
char *atelier_param_describe_range (const AtelierParamSpec *spec);

/* Where a front end reads a preview's region from a source of @height x
 * @width with @selection (1, 1, height, width) over it (NULL: none): @area
 * (top, left, h, w) in source pixels, read at @scale (<= 1) so that its longer
 * side fits the preview's region_side. FALSE with @error when there is nothing
 * to preview, such as no selection for a filter that needs one. */
gboolean atelier_filter_preview_area (const AtelierFilterPreview *preview, int64_t height, int64_t width,
                                      const AtelierTensor *selection, int64_t area[4], double *scale,
                                      GError **error);

/* Every filter Atelier has, in menu order. */
const AtelierFilterInfo *const *atelier_filters (int *count);
const AtelierFilterInfo *atelier_filter_find (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierFilterValues, atelier_filter_values_free)

G_END_DECLS
