/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-jumbf.h"

#include "core/atelier-error.h"

#include <string.h>

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "malformed JUMBF: %s", what);
  return FALSE;
}

static char *
malformed_label (GError **error, const char *what)
{
  malformed (error, what);
  return NULL;
}

gboolean
atelier_jumbf_next (const guint8 *data, gsize size, gsize *offset, AtelierJumbfBox *box, GError **error)
{
  const gsize left = size - *offset;
  if (*offset >= size)
    return FALSE;
  if (left < 8)
    return malformed (error, "a box header is cut off");
  guint64 length = atelier_read_be32 (data + *offset);
  gsize header = 8;
  box->type = atelier_read_be32 (data + *offset + 4);
  if (length == 1)
    {
      /* ISO BMFF's 64-bit length follows the type. */
      if (left < 16)
        return malformed (error, "a box's long length is cut off");
      length = ((guint64) atelier_read_be32 (data + *offset + 8) << 32) | atelier_read_be32 (data + *offset + 12);
      header = 16;
    }
  else if (length == 0)
    length = left; /* "to the end of its container" */
  if (length < header || length > left)
    return malformed (error, "a box is longer than its container");
  box->data = data + *offset + header;
  box->size = (gsize) length - header;
  *offset += (gsize) length;
  return TRUE;
}

char *
atelier_jumbf_label (const AtelierJumbfBox *box, GError **error)
{
  gsize offset = 0;
  AtelierJumbfBox description;
  if (box->type != ATELIER_JUMBF_TYPE ('j', 'u', 'm', 'b'))
    return malformed_label (error, "not a superbox");
  g_autoptr (GError) inner = NULL;
  if (!atelier_jumbf_next (box->data, box->size, &offset, &description, &inner))
    return malformed_label (error, inner ? inner->message : "an empty superbox");
  /* The description: a 16-byte type UUID, a toggles byte, then the label if bit 1 is set. */
  if (description.type != ATELIER_JUMBF_TYPE ('j', 'u', 'm', 'd') || description.size < 17)
    return malformed_label (error, "a superbox without its description");
  const guint8 toggles = description.data[16];
  if ((toggles & 0x02) == 0)
    return g_strdup ("");
  const guint8 *label = description.data + 17;
  const guint8 *end = memchr (label, '\0', description.size - 17);
  if (end == NULL)
    return malformed_label (error, "a label without its terminating zero");
  return g_utf8_make_valid ((const char *) label, end - label);
}

typedef gboolean (*LabelTest) (const char *label, const char *wanted);

static gboolean
label_equals (const char *label, const char *wanted)
{
  return strcmp (label, wanted) == 0;
}

static gboolean
label_starts_with (const char *label, const char *wanted)
{
  return g_str_has_prefix (label, wanted);
}

static gboolean
find_child (const AtelierJumbfBox *parent, const char *wanted, LabelTest test, gboolean last, AtelierJumbfBox *found,
            GError **error)
{
  gsize offset = 0;
  AtelierJumbfBox child;
  gboolean any = FALSE;
  g_autoptr (GError) inner = NULL;
  while (atelier_jumbf_next (parent->data, parent->size, &offset, &child, &inner))
    {
      if (child.type != ATELIER_JUMBF_TYPE ('j', 'u', 'm', 'b'))
        continue;
      g_autofree char *label = atelier_jumbf_label (&child, error);
      if (label == NULL)
        return FALSE;
      if (test (label, wanted))
        {
          *found = child;
          any = TRUE;
          if (!last)
            return TRUE;
        }
    }
  if (inner != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  return any;
}

gboolean
atelier_jumbf_find (const AtelierJumbfBox *parent, const char *label, gboolean last, AtelierJumbfBox *found,
                    GError **error)
{
  return find_child (parent, label, label_equals, last, found, error);
}

gboolean
atelier_jumbf_find_prefix (const AtelierJumbfBox *parent, const char *prefix, AtelierJumbfBox *found, GError **error)
{
  return find_child (parent, prefix, label_starts_with, FALSE, found, error);
}

gboolean
atelier_jumbf_content (const AtelierJumbfBox *parent, guint32 type, AtelierJumbfBox *content, GError **error)
{
  gsize offset = 0;
  g_autoptr (GError) inner = NULL;
  while (atelier_jumbf_next (parent->data, parent->size, &offset, content, &inner))
    if (content->type == type)
      return TRUE;
  if (inner != NULL)
    g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}
