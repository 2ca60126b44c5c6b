/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Select Subject's whole run in one call, the one mechanism behind Select
 * Subject, `atelier mask`, `atelier cutout`, Replace Background and the
 * evaluation's cutout-refine: ISNet's subject probability (or a coarse one
 * given), the refined matte, and the subject's own colours under it. */

#include "pipelines/atelier-foreground-estimate.h"
#include "pipelines/atelier-matte-refine.h"
#include "pipelines/atelier-subject-mask.h"

G_BEGIN_DECLS

typedef struct
{
  AtelierSubjectResize resize; /* how the image is brought to the network */
  AtelierMatteOptions matte;
  /* (1, 1, H, W) or NULL: the image's own opacity, which multiplies the matte before the colours are estimated
   * (a pixel the layer does not show is never subject). Not owned. */
  const AtelierTensor *opacity;
  gboolean estimate_foreground; /* FALSE: the matte alone (Select Subject, `atelier mask`) */
  AtelierForegroundOptions foreground;
} AtelierCutoutOptions;

/* Seconds a step took: wall clock, and CPU of the whole process (all threads; on a shared machine the wall clock
 * measures the neighbours too). */
typedef struct
{
  double wall, cpu;
} AtelierStepTime;

typedef struct
{
  AtelierTensor *alpha;      /* (1, 1, H, W): the refined matte */
  AtelierTensor *foreground; /* (1, 3, H, W): the subject's colours under it, or NULL when not asked for */
  AtelierStepTime network, matte, colours; /* for the benchmarks */
} AtelierCutout;

/* The package's stretched input, the matte's and the foreground's defaults, the colours estimated. */
AtelierCutoutOptions atelier_cutout_options_default (void);

/* rgb (1, 3, H, W) in 0..1 -> @out. The subject probability is ISNet's (@net) unless @coarse (1, 1, H, W) is
 * given, as when the evaluation feeds another runtime's map; then @net may be NULL. Progress runs over the
 * network (half), then the matte and the colours. @out is cleared by atelier_cutout_clear. */
gboolean atelier_cutout_compute (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *rgb,
                                 const AtelierTensor *coarse, const AtelierCutoutOptions *options, AtelierCutout *out,
                                 GError **error);
void atelier_cutout_clear (AtelierCutout *out);

/* image (1, 3, H, W) in 0..1, coarse (1, 1, H, W) subject probability ->
 * (1, 4, H, W): the foreground estimate's colours and the refined alpha
 * (straight, not premultiplied), through atelier_cutout_compute. */
AtelierTensor *atelier_matte_cutout (AtelierContext *ctx, const AtelierTensor *image, const AtelierTensor *coarse,
                                     const AtelierMatteOptions *matte, const AtelierForegroundOptions *foreground,
                                     GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AtelierCutout, atelier_cutout_clear)

G_END_DECLS
