/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What Select Subject, Cutout and Replace Background share: the matte's
 * parameter rows, written once, and the run (atelier_cutout_compute: ISNet
 * opened once per filter instance through its model cache, the subject
 * probability, the edges, the colours). */

#include "filters/atelier-filter.h"
#include "pipelines/atelier-matte-refine.h"

G_BEGIN_DECLS

#define ATELIER_SUBJECT_PARAM_ROWS                                                                              \
  { .name = "refine-edges", .type = ATELIER_PARAM_BOOLEAN, .label = ATELIER_N_ ("_Refine edges"),              \
    .help = ATELIER_N_ ("Snap the network's outline to the photograph's edges at full resolution"),            \
    .default_value = 1 },                                                                                       \
  { .name = "softness", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("_Softness"),                       \
    .help = ATELIER_N_ ("0 gives a hard mask, 1 the soft matte of the edges"),                                 \
    .min = 0.0, .max = 1.0, .default_value = 1.0, .step = 0.05, .digits = 2 },                                  \
  { .name = "grow", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Grow (px)"),                              \
    .help = ATELIER_N_ ("Pixels the subject grows by before its edges are refined; negative values shrink it"),  \
    .min = -100, .max = 100, .default_value = 0 },                                                              \
  { .name = "feather", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Feather (px)"),                        \
    .help = ATELIER_N_ ("Blur the result so that a hard edge fades over twice this many pixels"),              \
    .min = 0, .max = 100, .default_value = 0 },                                                                 \
  { .name = "keep-holes", .type = ATELIER_PARAM_BOOLEAN, .label = ATELIER_N_ ("_Keep interior holes"),         \
    .help = ATELIER_N_ ("Keep background enclosed by the subject, such as the inside of a ring; off fills it"), \
    .default_value = 1 },                                                                                       \
  { .name = "network-input", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Network input"),            \
    .help = ATELIER_N_ ("How the photograph is brought to the network's 1024 x 1024: stretched as the original " \
                        "ISNet package does (the better masks on our evaluation set), or fitted with its aspect " \
                        "ratio kept and antialiased"),                                                          \
    .default_value = 0,                                                                                         \
    ATELIER_CHOICES ({ "stretch", ATELIER_N_ ("Stretch (as the package)") }, { "fit", ATELIER_N_ ("Fit, antialiased") }) }

/* The matte options @values (of a description holding the rows) ask for. */
AtelierMatteOptions atelier_subject_matte_options (const AtelierFilterValues *values);

/* @image (1, C, H, W) of any channel count -> its subject's refined matte (1, 1, H, W), with the image as RGB in
 * @rgb. Fails with a message when the matte holds no subject at all (a flat or texture-only image), so that no
 * front end replaces a selection or writes a file with nothing in it. */
AtelierTensor *atelier_subject_matte (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                                      const AtelierTensor *image, AtelierTensor **rgb, GError **error);

/* The same run with the subject's own colours under its matte (the foreground estimate), as @colours planes of
 * the image's kind (1 grey, 3 RGB): Cut Out's layer. Returns the matte. */
AtelierTensor *atelier_subject_cutout (AtelierContext *ctx, AtelierModelCache *models,
                                       const AtelierFilterValues *values, const AtelierTensor *image,
                                       AtelierTensor **colours, GError **error);

/* The subject's own colours under @alpha (the foreground estimate from @rgb, default options) as @colours planes
 * (1 grey, 3 RGB, as the layer has): what Cut Out and Replace Background show at the subject's edges. */
AtelierTensor *atelier_subject_foreground (AtelierContext *ctx, const AtelierTensor *rgb, const AtelierTensor *alpha,
                                           int colours, GError **error);

G_END_DECLS
