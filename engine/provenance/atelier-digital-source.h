/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* How an output came to be, in IPTC's Digital Source Type vocabulary
 * (https://cv.iptc.org/newscodes/digitalsourcetype/): the label that the EU AI
 * Act's marking duty, marketplaces and newsrooms read. Plain C, so that the
 * filter descriptions can name it without linking a metadata library. */

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATELIER_SOURCE_NONE = 0,                /* no claim: a mask, a report */
  ATELIER_SOURCE_ALGORITHMICALLY_ENHANCED, /* an upscale, a cut-out: the capture, enhanced */
  ATELIER_SOURCE_COMPOSITE_SYNTHETIC,     /* the capture composited with synthetic (not trained) elements: a plain
                                           * or procedural background */
  ATELIER_SOURCE_COMPOSITE_TRAINED,       /* the capture composited with a trained model's output: an inpainted
                                           * region, a generated background, an extended canvas */
  ATELIER_SOURCE_TRAINED,                 /* wholly made by a trained model */
} AtelierDigitalSource;

/* The IPTC code's URI, or NULL for ATELIER_SOURCE_NONE. */
const char *atelier_digital_source_uri (AtelierDigitalSource source);
/* What the code means, for people (translatable), for any IPTC code including the ones Atelier never writes;
 * NULL when @uri is not an IPTC digital source type. */
const char *atelier_digital_source_describe (const char *uri);

G_END_DECLS
