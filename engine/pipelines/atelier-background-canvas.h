/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Replace Background's canvas: the frame the finished picture has (the photograph's own, square, 4:5 or a given
 * size; sized so that the product fills a given share of it; at least a given long side) and where the photograph
 * lies on it. The subject is never scaled: it keeps its pixel size and lands at whole-pixel offsets, so that its
 * pixels are copied, not resampled. Where a requested fill would need the product larger or smaller, the canvas is
 * sized around the product instead; where the long side minimum asks for more, the canvas grows and the product
 * fills less (a marketplace refuses a small picture outright, a slightly lower fill only costs a little). */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  ATELIER_CANVAS_KEEP,   /* the photograph's aspect */
  ATELIER_CANVAS_SQUARE, /* 1:1 */
  ATELIER_CANVAS_4_5,    /* 4 wide, 5 high, as clothing marketplaces ask */
  ATELIER_CANVAS_SIZE,   /* width x height pixels exactly */
} AtelierCanvasShape;

typedef struct
{
  AtelierCanvasShape shape;
  gint64 width, height; /* SIZE only */
  float fill;           /* 0: the photograph's own scale (the canvas holds the whole photograph); else 0..1, the
                           share of the canvas's width or height, whichever is tighter, the subject's box spans */
  gint64 min_long_side; /* 0: none */
  gboolean centre;      /* the subject's box centred; FALSE: where it was, relative to the frame */
} AtelierCanvasOptions;

typedef struct
{
  gint64 height, width; /* the canvas */
  gint64 top, left;     /* where the photograph's first pixel lands (may be negative: the canvas crops it) */
} AtelierCanvasPlan;

/* The canvas for the subject @alpha (1, 1, H, W) of a photograph of that size. Fails when the subject is empty or
 * does not fit a given size. */
gboolean atelier_canvas_plan (const AtelierCanvasOptions *options, const AtelierTensor *alpha, AtelierCanvasPlan *plan,
                              GError **error);

/* TRUE when @plan is the photograph itself (nothing to move). */
gboolean atelier_canvas_is_identity (const AtelierCanvasPlan *plan, const AtelierTensor *photo);

/* @planes (1, C, H, W) copied onto the canvas at the plan's offset, whole pixels, bit for bit; what lies outside
 * the photograph is @outside. */
AtelierTensor *atelier_canvas_place (const AtelierTensor *planes, const AtelierCanvasPlan *plan, float outside,
                                     GError **error);

/* @planes placed as atelier_canvas_place does, and what lies outside the photograph continued from its pixels
 * (push-pull), so that a model restyling the old background sees no empty band around it. */
AtelierTensor *atelier_canvas_place_extended (AtelierContext *ctx, const AtelierTensor *planes,
                                              const AtelierCanvasPlan *plan, GError **error);

/* The share of the canvas's width and height the subject's box spans (what a marketplace calls its fill), 0..1,
 * the larger of the two; 0 for an empty matte. */
double atelier_canvas_fill (const AtelierTensor *alpha);

G_END_DECLS
