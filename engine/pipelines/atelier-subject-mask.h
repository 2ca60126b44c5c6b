/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The probability that each pixel of a photograph belongs to its subject:
 * the image is brought to the network's square input size, ISNet runs once,
 * and its probability map is brought back to the image's size. */

#include "networks/atelier-isnet.h"

G_BEGIN_DECLS

typedef enum
{
  /* @imgly/background-removal-node 1.4.5's own, reproduced exactly:
   * stretched to S x S whatever the aspect ratio, output pixel x sampling
   * source position x W / S (corner-anchored) bilinearly without
   * antialiasing, rounded to 8 bits; the map comes back the same way. */
  ATELIER_SUBJECT_RESIZE_PACKAGE,
  /* Area-averaged (antialiased) to fit S x S with the aspect ratio kept,
   * centred on grey padding (0 after normalisation); the map's valid part is
   * resized back bilinearly (half-pixel centres). */
  ATELIER_SUBJECT_RESIZE_FIT,
} AtelierSubjectResize;

typedef struct
{
  AtelierTensor *input;       /* (1, 3, S, S): what the network saw, normalised */
  AtelierTensor *network_map; /* (1, 1, S, S): the network's probability map */
  AtelierTensor *probability; /* (1, 1, H, W): at the image's size, 0..1 */
} AtelierSubjectMask;

/* image (1, C, H, W), C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA, values 0..1
 * (alpha is ignored, as the package does). Fills @mask, which the caller
 * clears with atelier_subject_mask_clear. */
gboolean atelier_subject_mask_compute (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *image,
                                       AtelierSubjectResize resize, AtelierSubjectMask *mask, GError **error);
void atelier_subject_mask_clear (AtelierSubjectMask *mask);

/* The steps of atelier_subject_mask_compute, for the parity tests. */

/* The network's input (1, 3, S, S): colour quantised to 8 bits, resized,
 * (v - mean) / std. */
AtelierTensor *atelier_subject_mask_input (AtelierContext *ctx, const AtelierIsnetConfig *config,
                                           const AtelierTensor *image, AtelierSubjectResize resize, GError **error);
/* @network_map (1, 1, S, S) -> (1, 1, height, width), 0..1. */
AtelierTensor *atelier_subject_mask_to_image (AtelierContext *ctx, const AtelierTensor *network_map, gint64 height,
                                              gint64 width, AtelierSubjectResize resize, GError **error);
/* The package's 8-bit mask, exactly: p * 255 truncated, resized back with its
 * resize, rounded; as values k / 255. */
AtelierTensor *atelier_subject_mask_package_8bit (AtelierContext *ctx, const AtelierTensor *network_map,
                                                  gint64 height, gint64 width, GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AtelierSubjectMask, atelier_subject_mask_clear)

G_END_DECLS
