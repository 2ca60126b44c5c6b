/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One declarative description per filter, after GEGL's property tables: its
 * name, menu label, help and parameters with type, range, default, label and
 * tooltip. The GIMP procedure's PDB arguments, the dialog's widgets, the
 * command line's flags and the argument checks are all derived from it, so a
 * parameter is added to a filter by adding one entry. The description also
 * holds the filter's run, with one signature for every filter (an input of
 * pixels and selection, an output of pixels, results and pictures), and where
 * its output goes, so that one generic plug-in action and one generic command
 * serve every filter. No GIMP or GTK here. */

#include <glib.h>

#include "core/atelier-context.h"
#include "core/atelier-i18n.h"
#include "core/atelier-tensor.h"
#include "provenance/atelier-digital-source.h"

G_BEGIN_DECLS

typedef enum
{
  ATELIER_PARAM_INT,
  ATELIER_PARAM_DOUBLE,
  ATELIER_PARAM_BOOLEAN,
  ATELIER_PARAM_CHOICE, /* one of named choices; its value is the index */
  ATELIER_PARAM_COLOUR, /* an 8-bit sRGB colour; its value is 0xRRGGBB */
} AtelierParamType;

typedef struct
{
  const char *nick;  /* "thick": command-line value and stable name */
  const char *label; /* translatable */
} AtelierParamChoice;

/* One row per parameter, written with designated initializers so that a row
 * reads without counting commas:
 *   { .name = "scale", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Scale"), .help = ...,
 *     .min = 2, .max = 8, .default_value = 4, ATELIER_ALLOWED (2, 3, 4, 8) }
 * Fields a type does not use stay zero. */
typedef struct
{
  const char *name;   /* "scale": PDB argument, command-line flag --scale */
  AtelierParamType type;
  const char *label;  /* translatable, with a mnemonic: "_Scale" */
  const char *help;   /* translatable tooltip and PDB description */
  const char *cli_help; /* translatable: the command line's wording where .help speaks of GIMP (layers, the
                         * selection, new images); NULL: .help */
  double min, max;    /* INT, DOUBLE */
  double default_value; /* CHOICE: index; BOOLEAN: 0 or 1; COLOUR: 0xRRGGBB */
  double step;        /* UI increment (0: 1 for INT, 0.01 for DOUBLE) */
  int digits;         /* DOUBLE: decimals shown */
  const int *allowed; /* INT: only these n_allowed values (NULL: the whole range) */
  int n_allowed;
  const AtelierParamChoice *choices; /* CHOICE: n_choices of them */
  int n_choices;
  gboolean every_layer; /* BOOLEAN: when on, the plug-in runs every layer of the image through the filter */
  const char *unused_when; /* "speed=fast": the row means nothing while that CHOICE row has that value (the dialog
                            * greys it out, the settings line leaves it out); "background=white|generated": while
                            * it has one of these; "preset!=none": while it has any other value; NULL: always
                            * used */
} AtelierParamSpec;

/* An INT parameter's allowed values, counted (0 may be one of them). */
#define ATELIER_ALLOWED(...) \
  .allowed = (const int[]) { __VA_ARGS__ }, .n_allowed = G_N_ELEMENTS (((const int[]) { __VA_ARGS__ }))
/* A CHOICE parameter's choices: ATELIER_CHOICES ({ "slim", ATELIER_N_ ("Slim") }, { "thick", ... }). */
#define ATELIER_CHOICES(...)                                           \
  .choices = (const AtelierParamChoice[]) { __VA_ARGS__ },             \
  .n_choices = G_N_ELEMENTS (((const AtelierParamChoice[]) { __VA_ARGS__ }))

/* ------------------------------------------------------------ results */

/* What a filter reports besides its pixels: one entry per result, read the
 * same way by the PDB's return values (the single values, in order), the
 * message GIMP shows, and the command line's text, JSON and CSV. */
typedef enum
{
  ATELIER_RESULT_DOUBLE,
  ATELIER_RESULT_INT,
  ATELIER_RESULT_BOOLEAN,
  ATELIER_RESULT_STRING,
  ATELIER_RESULT_TEXTS,   /* a list of translatable sentences (or nicks) */
  ATELIER_RESULT_NUMBERS, /* a list of numbers */
} AtelierResultType;

typedef struct
{
  const char *name;  /* "probability": PDB return value, JSON member, CSV column */
  AtelierResultType type;
  const char *label; /* translatable heading in the report shown to people; NULL: not shown there */
  const char *help;  /* translatable: the PDB's description */
} AtelierResultSpec;

typedef struct
{
  double number;      /* DOUBLE, INT, BOOLEAN */
  char *text;         /* STRING: the stable value ("likely-real") */
  const char *shown;  /* STRING: the translatable text shown to people instead, or NULL */
  GPtrArray *texts;   /* TEXTS: char * */
  GArray *numbers;    /* NUMBERS: double */
} AtelierResultValue;

/* A picture a filter makes besides its main result: a layer above the source
 * (detection's heat map), an image of its own (its spectrum) or a channel of
 * the image (the selection a run used, kept so that it can be run again). On
 * the command line each becomes a file NAME.<name>.png, except the layers of
 * a filter whose result is layers (ATELIER_OUTPUT_LAYERS), which are
 * composited into its output file. Layers go above the source in the order
 * they were added, the last on top. */
typedef enum
{
  ATELIER_PICTURE_LAYER,
  ATELIER_PICTURE_IMAGE,
  ATELIER_PICTURE_CHANNEL, /* (1, 1, h, w), the source's size, over the source */
} AtelierPicturePlace;

typedef struct
{
  const char *name;   /* stable: "heat-map" */
  char *title;        /* translated: the layer's or image's name */
  AtelierPicturePlace place;
  double opacity;     /* LAYER: 0..100 */
  AtelierTensor *pixels; /* (1, C, h, w), C = 1..4; a LAYER has the source's size */
  AtelierTensor *mask;   /* LAYER: its layer mask (1, 1, h, w) 0..1, or NULL: none */
  gboolean hidden;       /* LAYER: added invisible (one of several variations, say) */
} AtelierFilterPicture;

/* ------------------------------------------------------- input, output */

typedef struct _AtelierFilterValues AtelierFilterValues;

/* Where a filter's result goes. */
typedef enum
{
  ATELIER_OUTPUT_REPLACE,   /* out->pixels replace the layer's; larger ones enlarge the image (output_scale_param) */
  ATELIER_OUTPUT_NEW_LAYER, /* out->pixels (colour + alpha, the source's size) become a layer above the source;
                               larger ones enlarge the canvas around the source (out->canvas_offset) */
  ATELIER_OUTPUT_SELECTION, /* out->pixels (1, 1, H, W) become the selection */
  ATELIER_OUTPUT_REPORT,    /* no pixels: the results and pictures are the output */
  ATELIER_OUTPUT_LAYERS,    /* no pixels: the LAYER pictures are the result, and the command line writes their
                             * composite as GIMP shows it (atelier_filter_output_composite) */
} AtelierOutputKind;

typedef struct
{
  const AtelierTensor *image;     /* (1, C, H, W), C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA, values 0..1 */
  const AtelierTensor *selection; /* (1, 1, H, W) 0..1; NULL: nothing selected */
  gboolean source_is_jpeg;        /* the pixels were decoded from a JPEG file, where the front end knows */
  const char *source_path;        /* the file the pixels were read from, where the front end knows; or NULL */
} AtelierFilterInput;

typedef struct _AtelierFilterInfo AtelierFilterInfo;

typedef struct
{
  const AtelierFilterInfo *info;
  AtelierTensor *pixels;       /* see AtelierOutputKind; NULL for REPORT */
  int64_t canvas_offset[2];    /* NEW_LAYER pixels or LAYERS pictures of another size than the source: where the
                                * source's top, left lies in them (negative: that canvas crops the source) */
  AtelierResultValue *results; /* one per info->results */
  GPtrArray *pictures;         /* AtelierFilterPicture */
  AtelierDigitalSource digital_source; /* what the result is, for its provenance record: the description's, unless
                                        * the run says otherwise (a generated background, not a plain one) */
  gboolean hide_source;        /* the plug-in hides the source layer (never deletes or changes it) */
  char *settings;              /* a JSON object that regenerates the result (atelier_filter_output_set_settings), or
                                * NULL: the plug-in stores it as the "atelier-settings" parasite, the command line
                                * prints it */
  GHashTable *decided;         /* row name -> the value the run used in its place (a preset's surface instead of
                                * the style chosen), or NULL: every row as given (atelier_filter_output_decide) */
} AtelierFilterOutput;

AtelierFilterOutput *atelier_filter_output_new (const AtelierFilterInfo *info);
void atelier_filter_output_free (AtelierFilterOutput *out);
AtelierResultValue *atelier_filter_output_result (AtelierFilterOutput *out, const char *name);
const AtelierResultValue *atelier_filter_output_get (const AtelierFilterOutput *out, const char *name);
void atelier_filter_output_set_number (AtelierFilterOutput *out, const char *name, double number);
/* @shown: static translatable text for people, or NULL. */
void atelier_filter_output_set_text (AtelierFilterOutput *out, const char *name, const char *text, const char *shown);
void atelier_filter_output_add_text (AtelierFilterOutput *out, const char *name, const char *text);
void atelier_filter_output_add_number (AtelierFilterOutput *out, const char *name, double number);
/* Says that the run used @value (as a person reads it: "marble") in place of the row @row's value, which the
 * settings line, the provenance record and the settings then name instead: which label a preset takes depends
 * on the model, so the description's .unused_when cannot say it. */
void atelier_filter_output_decide (AtelierFilterOutput *out, const char *row, const char *value);
/* Takes @pixels. Returns the picture, whose mask and visibility a LAYER may set. */
AtelierFilterPicture *atelier_filter_output_add_picture (AtelierFilterOutput *out, const char *name, const char *title,
                                                         AtelierPicturePlace place, double opacity,
                                                         AtelierTensor *pixels);
/* The settings of a run as a JSON object: {"filter": NAME, "version": Atelier's version, "values": {PARAM: value,
 * choices by nick and colours as "#rrggbb"}} and the members of @extra (a JSON object's text, the models' names
 * and sha256 say, or NULL). */
void atelier_filter_output_set_settings (AtelierFilterOutput *out, const AtelierFilterValues *values,
                                         const char *extra);
/* {"models": [{"name": NAME, "sha256": its weights' sha256}, ...]} of the models @names (NULL-terminated), read
 * from their manifests: @extra for the settings of a run that used them. */
char *atelier_filter_models_json (const char *const *names, GError **error);
/* What the front end shows for a result of layers: the visible LAYER pictures, each through its mask and with its
 * opacity, composited in order over @source (1, C, H, W), or over nothing when hide_source. The result has
 * @source's colours, with alpha when @source has alpha or the composite is not opaque everywhere. */
AtelierTensor *atelier_filter_output_composite (const AtelierFilterOutput *out, const AtelierTensor *source,
                                                GError **error);
/* The results that have a label, translated, one per line: the message GIMP shows. */
char *atelier_filter_output_describe (const AtelierFilterOutput *out);

/* ------------------------------------------------------ the description */

typedef struct _AtelierModelCache AtelierModelCache;

/* Which part of the source a dialog preview is rendered from. */
typedef enum
{
  ATELIER_PREVIEW_WINDOW,    /* a window at full resolution around the centre of the selection (or the layer) */
  ATELIER_PREVIEW_SELECTION, /* the selection's bounding box with as much context around it, reduced to fit */
} AtelierPreviewRegion;

/* The longest side, in pixels, of what a dialog preview shows. */
#define ATELIER_PREVIEW_SIDE 256

/* A filter cheap enough to run while its dialog is open runs on a small part
 * of the source; filters without one have no preview. */
typedef struct
{
  AtelierPreviewRegion region;
  int region_side;  /* the longest side of the region the front end passes */
  const char *note; /* translatable: what the preview shows, when it is not the exact result, or NULL */
  /* Optional: narrows @window (top, left, h, w; the whole region on entry) to the part of the region the filter
   * runs on, and changes @quick (a copy of the values) to what a preview can afford. */
  gboolean (*prepare) (const AtelierTensor *region, AtelierFilterValues *quick, int64_t window[4], GError **error);
} AtelierFilterPreview;

struct _AtelierFilterInfo
{
  const char *name;       /* "upscale": plug-in-atelier-upscale, `atelier upscale` */
  const char *menu_label; /* translatable: "_Upscale..." */
  const char *blurb;      /* translatable one-liner */
  const char *help;       /* translatable */
  const AtelierParamSpec *params;
  int n_params;
  const AtelierResultSpec *results; /* NULL when the filter only changes pixels */
  int n_results;
  AtelierOutputKind output;
  const char *output_scale_param; /* REPLACE: the INT parameter by which the result is larger, or NULL: same size */
  const char *new_layer_name;     /* NEW_LAYER: translatable name of the layer */
  gboolean new_layer_alone;       /* NEW_LAYER: the command line writes the layer itself (a cut-out), not composited */
  const char *selection_mode_param; /* SELECTION: a CHOICE of replace, add, subtract, intersect, or NULL: replace */
  const char *layer_mask_param;     /* SELECTION: a BOOLEAN that also adds the result as a layer mask, or NULL */
  gboolean needs_selection;       /* refuses to run on an empty selection; the command line takes --mask */
  gboolean uses_selection;        /* takes the selection when there is one (the command line an optional --mask)
                                   * and finds its own region otherwise; a selection passed must not be empty */
  gboolean needs_whole_image;     /* the result depends on all of the image: it has no preview */
  AtelierDigitalSource digital_source; /* what the result is in IPTC's terms, written into it by the front ends */
  const AtelierFilterPreview *preview; /* NULL: too slow to preview */
  /* Runs the filter on @in, filling @out. @values are checked and @in's shapes and needs are met before it is
   * called. Models come from @models, so that they are opened once per filter instance. */
  gboolean (*run) (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                   const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error);
};

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
/* Whether row @row means nothing with these values (its .unused_when holds). */
gboolean atelier_filter_values_row_unused (const AtelierFilterValues *values, int row);
gboolean atelier_filter_values_set (AtelierFilterValues *values, const char *name, double value, GError **error);
gboolean atelier_filter_values_set_choice (AtelierFilterValues *values, const char *name, const char *nick,
                                           GError **error);
/* A COLOUR parameter's value as three sRGB values 0..1. */
void atelier_filter_values_get_colour (const AtelierFilterValues *values, const char *name, float rgb[3]);
/* "#rrggbb" (the # may be left out) as a COLOUR value 0xRRGGBB, and back. */
gboolean atelier_colour_parse (const char *text, double *value, GError **error);
char *atelier_colour_format (double value);
/* "scale 4, model thick, all-layers off": the values as a person reads them back; rows unused under the chosen
 * values (atelier_filter_values_row_unused) are left out, and the rows a finished run @out decided are named by
 * what it used (NULL: before a run, as given). */
char *atelier_filter_values_describe (const AtelierFilterValues *values, const AtelierFilterOutput *out);
/* "upscale: scale 4, model thick, ...": the filter and its values, as a run's provenance record names them. */
char *atelier_filter_values_record (const AtelierFilterValues *values, const AtelierFilterOutput *out);

/* Every value in its range, allowed set or choices; the error names the
 * parameter and what it accepts. */
gboolean atelier_filter_values_validate (const AtelierFilterValues *values, GError **error);
/* "2, 3, 4 or 8", "0.0 to 1.0", "slim, medium or thick": for messages and help. */
char *atelier_param_describe_range (const AtelierParamSpec *spec);
/* The same in the user's language, for help texts. */
char *atelier_param_describe_range_translated (const AtelierParamSpec *spec);

/* ------------------------------------------------------------ instances */

/* A filter as a front end holds it for a while: its description and the
 * models it has opened, which every run through it reuses (the dialog's
 * previews, the plug-in's layers, the command line's files). Reference
 * counted, so that a preview still rendering in a worker thread keeps it. */
typedef struct _AtelierFilter AtelierFilter;

AtelierFilter *atelier_filter_new (const AtelierFilterInfo *info);
AtelierFilter *atelier_filter_ref (AtelierFilter *filter);
void atelier_filter_unref (AtelierFilter *filter);
const AtelierFilterInfo *atelier_filter_get_info (const AtelierFilter *filter);
AtelierModelCache *atelier_filter_get_models (AtelierFilter *filter);
/* Checks @values, @in's shapes and the filter's needs, then runs it into @out (a fresh output of this filter). */
gboolean atelier_filter_run (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
                             const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error);
/* The same, with a new output returned. */
AtelierFilterOutput *atelier_filter_apply (AtelierFilter *filter, AtelierContext *ctx,
                                           const AtelierFilterValues *values, const AtelierFilterInput *in,
                                           GError **error);

/* ------------------------------------------------------------- previews */

/* TRUE when the filter has a dialog preview. */
gboolean atelier_filter_has_preview (const AtelierFilterInfo *info);
/* Where a front end reads a preview's region from a source of @height x
 * @width with @selection (1, 1, height, width) over it (NULL: none): @area
 * (top, left, h, w) in source pixels, read at @scale (<= 1) so that its longer
 * side fits the preview's region_side. FALSE with @error when there is nothing
 * to preview, such as no selection for a filter that needs one. */
gboolean atelier_filter_preview_area (const AtelierFilterPreview *preview, int64_t height, int64_t width,
                                      const AtelierTensor *selection, int64_t area[4], double *scale,
                                      GError **error);
/* Renders the preview of @region (1, C, h, w) with @selection (1, 1, h, w) over it (NULL: none): @before the
 * part of @region that the filter ran on, @after the result as it will look (a new layer composited over the
 * source; @after may be larger, the dialog shows @before enlarged to its size). */
gboolean atelier_filter_preview_render (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
                                        const AtelierTensor *region, const AtelierTensor *selection,
                                        AtelierTensor **before, AtelierTensor **after, GError **error);

/* Every filter Atelier has, in menu order. */
const AtelierFilterInfo *const *atelier_filters (int *count);
const AtelierFilterInfo *atelier_filter_find (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierFilterValues, atelier_filter_values_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierFilterOutput, atelier_filter_output_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierFilter, atelier_filter_unref)

G_END_DECLS
