/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "listing-figures.h"

#include <string.h>

/* Within @tolerance (0..1) of white in every colour, and opaque. */
static gboolean
is_white (const AtelierTensor *pixels, gint64 y, gint64 x, float tolerance)
{
  const int channels = (int) pixels->shape[1];
  const gint64 h = pixels->shape[2], w = pixels->shape[3];
  for (int c = 0; c < channels; c++)
    {
      const gboolean alpha = c == channels - 1 && (channels == 2 || channels == 4);
      const float v = pixels->data[(c * h + y) * w + x];
      if (alpha ? v < 1.0f : v < 1.0f - tolerance)
        return FALSE;
    }
  return TRUE;
}

AtelierListingFigures
atelier_listing_measure (const AtelierTensor *pixels, float tolerance)
{
  AtelierListingFigures f = { .width = pixels->shape[3], .height = pixels->shape[2] };
  gint64 border = 0, white = 0;
  gint64 x0 = f.width, y0 = f.height, x1 = -1, y1 = -1;
  for (gint64 y = 0; y < f.height; y++)
    for (gint64 x = 0; x < f.width; x++)
      {
        const gboolean on_border = y == 0 || x == 0 || y == f.height - 1 || x == f.width - 1;
        if (on_border)
          {
            border++;
            white += is_white (pixels, y, x, 0.0f);
          }
        if (!is_white (pixels, y, x, tolerance))
          {
            x0 = MIN (x0, x);
            y0 = MIN (y0, y);
            x1 = MAX (x1, x);
            y1 = MAX (y1, y);
          }
      }
  f.white_border = (double) white / (double) border;
  if (x1 >= 0)
    {
      const gint64 box[4] = { x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
      memcpy (f.box, box, sizeof box);
      f.fill = MAX ((double) f.box[2] / (double) f.width, (double) f.box[3] / (double) f.height);
    }
  return f;
}

void
atelier_listing_figures_add_json (JsonBuilder *b, const AtelierListingFigures *f)
{
  const struct
  {
    const char *name;
    gint64 value;
  } sizes[] = { { "width", f->width }, { "height", f->height }, { "long_side", MAX (f->width, f->height) } };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      json_builder_set_member_name (b, sizes[i].name);
      json_builder_add_int_value (b, sizes[i].value);
    }
  const struct
  {
    const char *name;
    double value;
  } shares[] = { { "aspect", (double) f->width / (double) f->height },
                 { "white_border", f->white_border },
                 { "fill", f->fill } };
  for (gsize i = 0; i < G_N_ELEMENTS (shares); i++)
    {
      json_builder_set_member_name (b, shares[i].name);
      json_builder_add_double_value (b, shares[i].value);
    }
  json_builder_set_member_name (b, "product_box");
  json_builder_begin_array (b);
  for (int i = 0; i < 4; i++)
    json_builder_add_int_value (b, f->box[i]);
  json_builder_end_array (b);
}
