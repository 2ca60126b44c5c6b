/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "test-helpers.h"

#include "model/half-float.h"
#include "networks/atelier-isnet.h"

#include <gexiv2/gexiv2.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

AtelierTensor *
test_random_tensor (int rank, const int64_t *shape, float lo, float hi)
{
  g_autoptr (GError) error = NULL;
  AtelierTensor *t = atelier_tensor_new (rank, shape, &error);
  g_assert_no_error (error);
  for (gint64 i = 0; i < atelier_tensor_numel (t); i++)
    t->data[i] = (float) g_test_rand_double_range (lo, hi);
  return t;
}

AtelierTensor *
test_random_4d (gint64 n, gint64 c, gint64 h, gint64 w)
{
  const int64_t shape[4] = { n, c, h, w };
  return test_random_tensor (4, shape, -1.0f, 1.0f);
}

AtelierTensor *
test_smooth_waves (int n)
{
  AtelierTensor *image = atelier_tensor_new_4d (1, 3, n, n, NULL);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < n; y++)
      for (int x = 0; x < n; x++)
        image->data[((gsize) c * n + y) * n + x] = (float) (0.5 + 0.2 * sin (2 * G_PI * (3.3 * x + 2.1 * y) / n + c));
  return image;
}

float
test_max_abs_diff (const AtelierTensor *a, const AtelierTensor *b)
{
  float m = 0.0f;
  for (gint64 i = 0; i < atelier_tensor_numel (a); i++)
    {
      float d = fabsf (a->data[i] - b->data[i]);
      if (isnan (d))
        return INFINITY;
      m = fmaxf (m, d);
    }
  return m;
}

float
test_max_abs (const AtelierTensor *a)
{
  float m = 0.0f;
  for (gint64 i = 0; i < atelier_tensor_numel (a); i++)
    m = fmaxf (m, fabsf (a->data[i]));
  return m;
}

void
test_assert_close_impl (const char *file, int line, const AtelierTensor *actual, const AtelierTensor *expected,
                        float tolerance)
{
  g_autofree char *sa = atelier_tensor_shape_string (actual);
  g_autofree char *se = atelier_tensor_shape_string (expected);
  if (!atelier_tensor_same_shape (actual, expected))
    g_assertion_message (G_LOG_DOMAIN, file, line, "", g_strdup_printf ("shape %s != expected %s", sa, se));
  float diff = test_max_abs_diff (actual, expected);
  float bound = tolerance * (1.0f + test_max_abs (expected));
  /* The measured error, for setting tolerances at about 10x it: run a test with --verbose. */
  g_test_message ("%s:%d: max abs diff %g = %g x (1 + max |expected|), tolerance %g", file, line, diff,
                  diff / (1.0f + test_max_abs (expected)), tolerance);
  if (!(diff <= bound))
    {
      g_autofree char *msg = g_strdup_printf ("max abs diff %g exceeds %g (shape %s)", diff, bound, sa);
      g_assertion_message (G_LOG_DOMAIN, file, line, "", msg);
    }
}

typedef struct
{
  const char *name;
  const char *dtype;
  const AtelierTensor *tensor;
} BuildEntry;

static GBytes *
build_from_entries (const GArray *entries)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();
  GString *header = g_string_new ("{\"__metadata__\":{\"format\":\"pt\"}");
  for (guint i = 0; i < entries->len; i++)
    {
      const BuildEntry *e = &g_array_index (entries, BuildEntry, i);
      gsize begin = data->len;
      for (gint64 k = 0; k < atelier_tensor_numel (e->tensor); k++)
        {
          float v = e->tensor->data[k];
          if (strcmp (e->dtype, "F32") == 0)
            g_byte_array_append (data, (const guint8 *) &v, 4);
          else if (strcmp (e->dtype, "F16") == 0)
            {
              guint16 h = atelier_float_to_half (v);
              g_byte_array_append (data, (const guint8 *) &h, 2);
            }
          else
            {
              guint32 bits;
              memcpy (&bits, &v, 4);
              guint16 h = bits >> 16; /* truncation: the test picks values exact in bf16 */
              g_byte_array_append (data, (const guint8 *) &h, 2);
            }
        }
      g_string_append_printf (header, ",\"%s\":{\"dtype\":\"%s\",\"shape\":[", e->name, e->dtype);
      for (int d = 0; d < e->tensor->rank; d++)
        g_string_append_printf (header, d ? ",%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, e->tensor->shape[d]);
      g_string_append_printf (header, "],\"data_offsets\":[%zu,%u]}", begin, data->len);
    }
  g_string_append_c (header, '}');
  while (header->len % 8 != 0)
    g_string_append_c (header, ' ');
  guint64 len = GUINT64_TO_LE (header->len);
  GByteArray *file = g_byte_array_new ();
  g_byte_array_append (file, (const guint8 *) &len, 8);
  g_byte_array_append (file, (const guint8 *) header->str, header->len);
  g_byte_array_append (file, data->data, data->len);
  g_string_free (header, TRUE);
  return g_byte_array_free_to_bytes (file);
}

GBytes *
test_safetensors_build (const char *first_name, ...)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (BuildEntry));
  va_list args;
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      BuildEntry e = { name, va_arg (args, const char *), va_arg (args, const AtelierTensor *) };
      g_array_append_val (entries, e);
    }
  va_end (args);
  return build_from_entries (entries);
}

GBytes *
test_safetensors_build_table (GHashTable *tensors, const char *dtype)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (BuildEntry));
  g_autoptr (GList) names = g_list_sort (g_hash_table_get_keys (tensors), (GCompareFunc) strcmp);
  for (GList *l = names; l != NULL; l = l->next)
    {
      BuildEntry e = { l->data, dtype, g_hash_table_lookup (tensors, l->data) };
      g_array_append_val (entries, e);
    }
  return build_from_entries (entries);
}

gboolean
test_write_file (const char *path, GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  return g_file_set_contents (path, data, (gssize) size, NULL);
}

char *
test_make_temp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("atelier-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
test_remove_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        test_remove_dir (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

AtelierTensor *
test_golden_tensor (const AtelierSafetensors *golden, const char *name)
{
  const AtelierSafetensorsEntry *entry = atelier_safetensors_lookup (golden, name);
  if (entry == NULL)
    g_error ("the golden file has no tensor \"%s\"", name);
  g_autoptr (GError) error = NULL;
  AtelierTensor *t = atelier_safetensors_load (golden, entry, &error);
  g_assert_no_error (error);
  return t;
}

/* A pixel's own noise in -1..1: an integer hash, so the texture needs no random state. */
static float
pixel_noise (gint64 y, gint64 x, int c)
{
  guint32 v = (guint32) (y * 73856093) ^ (guint32) (x * 19349663) ^ (guint32) (c * 83492791);
  v ^= v >> 13;
  v *= 0x5bd1e995u;
  v ^= v >> 15;
  return (float) (v & 0xffff) / 32767.5f - 1.0f;
}

AtelierTensor *
test_texture_image (gint64 h, gint64 w)
{
  AtelierTensor *image = atelier_tensor_new_4d (1, 3, h, w, NULL);
  static const float beige[3] = { 0.62f, 0.56f, 0.47f };
  for (int c = 0; c < 3; c++)
    for (gint64 y = 0; y < h; y++)
      for (gint64 x = 0; x < w; x++)
        {
          const float weave = 0.05f * sinf ((float) x * 1.3f) * sinf ((float) y * 1.1f);
          image->data[(c * h + y) * w + x] = beige[c] + weave + 0.04f * pixel_noise (y, x, c);
        }
  return image;
}

double
test_subject_radius (gint64 h, gint64 w)
{
  return 0.3 * (double) MIN (h, w);
}

AtelierTensor *
test_subject_image (gint64 h, gint64 w)
{
  AtelierTensor *image = test_texture_image (h, w);
  static const float red[3] = { 0.85f, 0.12f, 0.10f };
  const double r = test_subject_radius (h, w), cy = h / 2.0, cx = w / 2.0;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        const double dy = (y + 0.5 - cy) / r, dx = (x + 0.5 - cx) / r;
        if (dy * dy + dx * dx > 1.0)
          continue;
        /* Lit from the top left, like a ball. */
        const float shade = (float) (0.75 + 0.25 * (-dx - dy) / 2.0);
        for (int c = 0; c < 3; c++)
          image->data[(c * h + y) * w + x] = CLAMP (red[c] * shade + 0.01f * pixel_noise (y, x, c), 0.0f, 1.0f);
      }
  return image;
}

gboolean
test_isnet_ready (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierIsnet) net = atelier_isnet_open ("isnet-medium", &error);
  if (net == NULL)
    g_test_skip_printf ("ISNet not set up (%s): run models/isnet/setup.sh", error->message);
  return net != NULL;
}

char *
test_product_photo (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "data", "products", file, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip_printf ("the photographs of ../shared/data/products are not here (no %s)", path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

char *
test_metadata_tag (const char *path, const char *tag)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (gexiv2_metadata_open_path (metadata, path, &error));
  if (!gexiv2_metadata_try_has_tag (metadata, tag, NULL))
    return NULL;
  return gexiv2_metadata_try_get_tag_string (metadata, tag, &error);
}

void
test_set_metadata_tag (const char *path, const char *tag, const char *value)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (gexiv2_metadata_open_path (metadata, path, &error));
  g_assert_true (gexiv2_metadata_try_set_tag_string (metadata, tag, value, &error));
  g_assert_true (gexiv2_metadata_save_file (metadata, path, &error));
  g_assert_no_error (error);
}

GBytes *
test_minimal_icc_profile (gboolean grey)
{
  enum { SIZE = 420 };
  guint8 *profile = g_new0 (guint8, SIZE);
  const guint8 size[4] = { 0, 0, 1, SIZE - 256 }, version[4] = { 2, 0x10, 0, 0 };
  const guint8 d50[12] = { 0, 0, 0xf6, 0xd6, 0, 1, 0, 0, 0, 0, 0xd3, 0x2d };
  /* Two tags: the media white point at offset 156 (20 bytes: type signature, 4 reserved bytes, D50), and a
   * copyright text at 176 (244 bytes) of varied letters, because libpng refuses an iCCP chunk that compresses to
   * almost nothing. */
  const guint8 tags[28] = { 0, 0, 0, 2, 'w', 't', 'p', 't', 0, 0, 0, 156, 0, 0, 0, 20,
                            'c', 'p', 'r', 't', 0, 0, 0, 176, 0, 0, 0, 244 };
  memcpy (profile, size, 4);
  memcpy (profile + 8, version, 4);
  memcpy (profile + 12, "mntr", 4);
  memcpy (profile + 16, grey ? "GRAY" : "RGB ", 4);
  memcpy (profile + 20, "XYZ ", 4);
  memcpy (profile + 36, "acsp", 4);
  memcpy (profile + 68, d50, 12);
  memcpy (profile + 128, tags, 28);
  memcpy (profile + 156, "XYZ ", 4);
  memcpy (profile + 164, d50, 12);
  memcpy (profile + 176, "text", 4);
  guint32 state = 12345;
  for (int i = 184; i < SIZE - 1; i++)
    {
      state = state * 1103515245u + 12345u;
      profile[i] = (guint8) ('a' + (state >> 16) % 26);
    }
  return g_bytes_new_take (profile, SIZE);
}
