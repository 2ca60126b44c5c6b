/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-jpeg-quality.h"

#include <stdlib.h>

/* ITU-T T.81 Annex K, table K.1: the luminance table that IJG's quality
 * setting scales. Only the sum of a table is compared, so the order of the
 * entries does not matter. */
static const guint8 standard_luminance[64] = {
  16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
  14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
  18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
};

/* libjpeg's jpeg_quality_scaling and jpeg_add_quant_table (baseline: 1..255). */
static long
ijg_table_sum (int quality)
{
  const long scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
  long sum = 0;
  for (int i = 0; i < 64; i++)
    sum += CLAMP ((standard_luminance[i] * scale + 50) / 100, 1, 255);
  return sum;
}

int
atelier_jpeg_quality_of_table (const guint16 table[64])
{
  long sum = 0;
  for (int i = 0; i < 64; i++)
    sum += table[i];
  int best = 0;
  long best_distance = G_MAXLONG;
  for (int quality = 1; quality <= 100; quality++)
    {
      const long distance = labs (ijg_table_sum (quality) - sum);
      if (distance < best_distance)
        best = quality, best_distance = distance;
    }
  return best;
}

/* Table 0 of a DQT segment's payload, if the segment holds it. */
static gboolean
table_zero (const guint8 *payload, gsize length, guint16 table[64])
{
  gsize at = 0;
  while (at < length)
    {
      const int precision = payload[at] >> 4, id = payload[at] & 15;
      const gsize size = 64 * (precision ? 2 : 1);
      if (at + 1 + size > length)
        return FALSE;
      for (int i = 0; id == 0 && i < 64; i++)
        table[i] = precision ? (guint16) (payload[at + 1 + 2 * i] << 8 | payload[at + 2 + 2 * i]) : payload[at + 1 + i];
      if (id == 0)
        return TRUE;
      at += 1 + size;
    }
  return FALSE;
}

int
atelier_jpeg_quality_of_file (const char *path, GError **error)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return 0;
  const guint8 *bytes = (const guint8 *) g_mapped_file_get_contents (file);
  const gsize length = g_mapped_file_get_length (file);
  if (length < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8)
    return 0;
  /* Marker segments up to the first scan (SOS, 0xDA), where the tables have
   * all been given: 0xFF, the marker, a big-endian length that counts itself. */
  for (gsize at = 2; at + 4 <= length && bytes[at] == 0xFF;)
    {
      const guint8 marker = bytes[at + 1];
      if (marker == 0xFF)
        {
          at++; /* fill byte */
          continue;
        }
      if (marker == 0xDA || marker == 0xD9)
        break;
      const gsize segment = (gsize) bytes[at + 2] << 8 | bytes[at + 3];
      if (segment < 2 || at + 2 + segment > length)
        break;
      guint16 table[64];
      if (marker == 0xDB && table_zero (bytes + at + 4, segment - 2, table))
        return atelier_jpeg_quality_of_table (table);
      at += 2 + segment;
    }
  return 0;
}
