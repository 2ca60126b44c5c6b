/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* JUMBF (ISO/IEC 19566-5): the box format C2PA stores its manifests in. A
 * superbox `jumb` opens with a description box `jumd` (a type UUID and a
 * label such as "c2pa", "c2pa.claim" or "c2pa.actions") and holds content
 * boxes (`cbor`, `json`, ...) or more superboxes. Views into the caller's
 * bytes: nothing is copied, every length is checked against its parent. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const guint8 *data; /* the box's content, after its header */
  gsize size;
  guint32 type;       /* four characters, big-endian: 'jumb', 'cbor' */
} AtelierJumbfBox;

/* Boxes, PNG chunks and JPEG segments all count in big-endian 32-bit words. */
static inline guint32
atelier_read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

#define ATELIER_JUMBF_TYPE(a, b, c, d) (((guint32) (a) << 24) | ((guint32) (b) << 16) | ((guint32) (c) << 8) | (guint32) (d))

/* The next box of @data[*offset..size): FALSE at the end, FALSE with @error for a box that does not fit. */
gboolean atelier_jumbf_next (const guint8 *data, gsize size, gsize *offset, AtelierJumbfBox *box, GError **error);
/* A superbox's label ("" when it has none); NULL with @error when @box is not a superbox with a description. */
char *atelier_jumbf_label (const AtelierJumbfBox *box, GError **error);
/* The child superbox of @parent labelled @label (the last one when @last, else the first). */
gboolean atelier_jumbf_find (const AtelierJumbfBox *parent, const char *label, gboolean last, AtelierJumbfBox *found,
                             GError **error);
/* The first child superbox of @parent whose label starts with @prefix ("c2pa.actions" also finds
 * "c2pa.actions.v2"). */
gboolean atelier_jumbf_find_prefix (const AtelierJumbfBox *parent, const char *prefix, AtelierJumbfBox *found,
                                    GError **error);
/* The first content box of type @type inside the superbox @parent. */
gboolean atelier_jumbf_content (const AtelierJumbfBox *parent, guint32 type, AtelierJumbfBox *content, GError **error);

G_END_DECLS
