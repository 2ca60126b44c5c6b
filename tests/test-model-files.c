/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading .safetensors + manifest: good files load with the right values,
 * every kind of broken file gives a clear error and no crash. */
#include "model/half-float.h"
#include <glib/gstdio.h>
#include "test-helpers.h"

#include <math.h>
#include <string.h>

/* A file from a literal header and @data_len bytes of data (0, 1, 2, ...). */
static GBytes *
raw_file (const char *header, gsize data_len)
{
  GByteArray *file = g_byte_array_new ();
  guint64 len = GUINT64_TO_LE (strlen (header));
  g_byte_array_append (file, (const guint8 *) &len, 8);
  g_byte_array_append (file, (const guint8 *) header, strlen (header));
  for (gsize i = 0; i < data_len; i++)
    {
      guint8 b = (guint8) i;
      g_byte_array_append (file, &b, 1);
    }
  return g_byte_array_free_to_bytes (file);
}

static AtelierTensor *
exact_values (gint64 count, float step)
{
  g_autoptr (GError) error = NULL;
  AtelierTensor *t = atelier_tensor_new (1, (const int64_t[]) { count }, &error);
  for (gint64 i = 0; i < count; i++)
    t->data[i] = (float) (i - count / 2) * step; /* exact in f16 and bf16 */
  return t;
}

static void
test_load_all_dtypes (void)
{
  g_autoptr (AtelierTensor) a = exact_values (24, 0.125f);
  g_autoptr (GError) error = NULL;
  atelier_tensor_reshape (a, 4, (const int64_t[]) { 2, 3, 2, 2 }, &error);
  g_autoptr (AtelierTensor) b = exact_values (7, 0.5f);
  g_autoptr (AtelierTensor) c = exact_values (5, 2.0f);
  g_autoptr (GBytes) bytes = test_safetensors_build ("conv.weight", "F32", a, "half", "F16", b, "brain", "BF16", c, NULL);
  g_autoptr (AtelierSafetensors) st = atelier_safetensors_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (atelier_safetensors_get_n_tensors (st), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (atelier_safetensors_get_metadata (st), "format"), ==, "pt");
  const AtelierTensor *expected[] = { a, b, c };
  const char *names[] = { "conv.weight", "half", "brain" };
  for (int i = 0; i < 3; i++)
    {
      const AtelierSafetensorsEntry *e = atelier_safetensors_lookup (st, names[i]);
      g_assert_nonnull (e);
      g_autoptr (AtelierTensor) t = atelier_safetensors_load (st, e, &error);
      g_assert_no_error (error);
      g_assert_true (atelier_tensor_same_shape (t, expected[i]));
      g_assert_cmpfloat (test_max_abs_diff (t, expected[i]), ==, 0.0f);
    }
  g_assert_null (atelier_safetensors_lookup (st, "absent"));
}

static void
test_scalar_and_empty (void)
{
  g_autoptr (GBytes) bytes = raw_file ("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                                       "\"e\":{\"dtype\":\"F16\",\"shape\":[0,3],\"data_offsets\":[4,4]}}", 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierSafetensors) st = atelier_safetensors_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) s = atelier_safetensors_load (st, atelier_safetensors_lookup (st, "s"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_tensor_numel (s), ==, 1);
}

typedef struct
{
  const char *path;
  const char *header; /* NULL: use raw bytes below */
  gsize data_len;
  int code;
  const char *message_part;
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "/model/safetensors/broken/not-json", "{\"a\":", 0, ATELIER_ERROR_MODEL_CORRUPT, "not valid JSON" },
  { "/model/safetensors/broken/not-object", "[1,2]", 0, ATELIER_ERROR_MODEL_CORRUPT, "not a JSON object" },
  { "/model/safetensors/broken/entry-not-object", "{\"a\":3}", 0, ATELIER_ERROR_MODEL_CORRUPT, "\"a\"" },
  { "/model/safetensors/broken/no-dtype", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "dtype" },
  { "/model/safetensors/broken/unknown-dtype", "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "F33" },
  { "/model/safetensors/broken/unsupported-dtype", "{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, ATELIER_ERROR_UNSUPPORTED, "I64" },
  { "/model/safetensors/broken/negative-dim", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "dimension" },
  { "/model/safetensors/broken/fractional-dim", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "dimension" },
  { "/model/safetensors/broken/shape-overflow", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,8],\"data_offsets\":[0,4]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "overflow" },
  { "/model/safetensors/broken/rank-too-high", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "rank" },
  { "/model/safetensors/broken/offsets-missing", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "data_offsets" },
  { "/model/safetensors/broken/offsets-past-end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, ATELIER_ERROR_MODEL_CORRUPT, "outside" },
  { "/model/safetensors/broken/offsets-reversed", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 8, ATELIER_ERROR_MODEL_CORRUPT, "outside" },
  { "/model/safetensors/broken/offset-huge", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[18446744073709551612,18446744073709551616]}}", 8, ATELIER_ERROR_MODEL_CORRUPT, "data_offsets" },
  { "/model/safetensors/broken/size-mismatch", "{\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, ATELIER_ERROR_MODEL_CORRUPT, "needs 6" },
  { "/model/safetensors/broken/overlap",
    "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
    12, ATELIER_ERROR_MODEL_CORRUPT, "overlap" },
  { "/model/safetensors/broken/metadata-not-string", "{\"__metadata__\":{\"k\":1}}", 0, ATELIER_ERROR_MODEL_CORRUPT, "__metadata__" },
};

static void
test_broken_case (gconstpointer data)
{
  const BrokenCase *c = data;
  g_autoptr (GBytes) bytes = raw_file (c->header, c->data_len);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierSafetensors) st = atelier_safetensors_new_from_bytes (bytes, &error);
  g_assert_null (st);
  g_assert_error (error, ATELIER_ERROR, c->code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, c->message_part));
}

static void
test_broken_lengths (void)
{
  g_autoptr (GError) error = NULL;
  /* Shorter than the length field. */
  g_autoptr (GBytes) tiny = g_bytes_new_static ("abc", 3);
  g_assert_null (atelier_safetensors_new_from_bytes (tiny, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT);
  g_clear_error (&error);
  /* A header length past the end of the file, and one near 2^64. */
  const guint64 lengths[] = { 100, G_MAXUINT64, G_MAXUINT64 - 4 };
  for (gsize i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      guint8 buf[16] = "        {}      ";
      guint64 le = GUINT64_TO_LE (lengths[i]);
      memcpy (buf, &le, 8);
      g_autoptr (GBytes) b = g_bytes_new (buf, sizeof buf);
      g_assert_null (atelier_safetensors_new_from_bytes (b, &error));
      g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT);
      g_clear_error (&error);
    }
  /* Every truncation of a good file fails cleanly. */
  g_autoptr (AtelierTensor) a = exact_values (10, 1.0f);
  g_autoptr (GBytes) good = test_safetensors_build ("a", "F32", a, NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (good, &size);
  for (gsize cut = 0; cut < size; cut++)
    {
      g_autoptr (GBytes) part = g_bytes_new (data, cut);
      g_autoptr (AtelierSafetensors) st = atelier_safetensors_new_from_bytes (part, &error);
      g_assert_null (st);
      g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT);
      g_clear_error (&error);
    }
}

static void
test_half_float (void)
{
  g_assert_cmpfloat (atelier_half_to_float (0x3c00), ==, 1.0f);
  g_assert_cmpfloat (atelier_half_to_float (0xc000), ==, -2.0f);
  g_assert_cmpfloat (atelier_half_to_float (0x7bff), ==, 65504.0f);
  g_assert_cmpfloat (atelier_half_to_float (0x0001), ==, ldexpf (1.0f, -24));
  g_assert_cmpfloat (atelier_half_to_float (0x3555), ==, 0.333251953125f);
  g_assert_true (isinf (atelier_half_to_float (0x7c00)));
  g_assert_true (isnan (atelier_half_to_float (0x7e00)));
  g_assert_true (signbit (atelier_half_to_float (0x8000)));
  /* Every finite half survives a round trip through float. */
  for (guint bits = 0; bits < 0x10000; bits++)
    {
      if ((bits & 0x7c00) == 0x7c00)
        continue;
      g_assert_cmpuint (atelier_float_to_half (atelier_half_to_float ((guint16) bits)), ==, bits);
    }
  /* The array conversion (F16C where the CPU has it) gives every half as the scalar one does, from any alignment. */
  g_autofree guint8 *halves = g_malloc (2 * 65536 + 1);
  g_autofree float *floats = g_new (float, 65536);
  for (guint32 bits = 0; bits < 65536; bits++)
    {
      halves[1 + 2 * bits] = bits & 0xff;
      halves[2 + 2 * bits] = bits >> 8;
    }
  atelier_half_to_float_array (halves + 1, floats, 65536);
  for (guint32 bits = 0; bits < 65536; bits++)
    {
      const float expected = atelier_half_to_float ((guint16) bits);
      if (isnan (expected))
        g_assert_true (isnan (floats[bits]));
      else
        g_assert_cmpmem (&floats[bits], 4, &expected, 4);
    }
  /* Round to nearest even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10. */
  g_assert_cmpuint (atelier_float_to_half (1.0f + ldexpf (1.0f, -11)), ==, 0x3c00);
  g_assert_cmpuint (atelier_float_to_half (1.0f + 3 * ldexpf (1.0f, -11)), ==, 0x3c02);
  g_assert_cmpuint (atelier_float_to_half (1e6f), ==, 0x7c00);
  g_assert_cmpfloat (atelier_bfloat16_to_float (0x3f80), ==, 1.0f);
  g_assert_cmpfloat (atelier_bfloat16_to_float (0xc040), ==, -3.0f);
}

/* ---------------------------------------------------------------- manifest + model */

typedef struct
{
  char *dir;
  char *manifest;
  char *weights;
  char *sha256;
} ModelFixture;

static void
write_manifest (ModelFixture *f, const char *sha256, const char *weights_name, const char *extra)
{
  g_autofree char *json = g_strdup_printf (
    "{\"format\":\"atelier-model/1\",\"name\":\"tiny\",\"architecture\":\"test-net\","
    "\"config\":{\"channels\":8,\"ratio\":0.5,\"act\":\"silu\",\"blocks\":[1,2,3]},"
    "\"weights\":\"%s\",\"sha256\":\"%s\",\"source\":\"generated by the test\",\"license\":\"CC0-1.0\"%s}",
    weights_name, sha256, extra);
  g_assert_true (g_file_set_contents (f->manifest, json, -1, NULL));
}

static void
model_fixture_setup (ModelFixture *f, gconstpointer data)
{
  (void) data;
  f->dir = test_make_temp_dir ();
  f->manifest = g_build_filename (f->dir, "tiny.json", NULL);
  f->weights = g_build_filename (f->dir, "tiny.safetensors", NULL);
  g_autoptr (AtelierTensor) w = exact_values (8 * 3 * 3 * 3, 0.25f);
  g_autoptr (GError) error = NULL;
  atelier_tensor_reshape (w, 4, (const int64_t[]) { 8, 3, 3, 3 }, &error);
  g_autoptr (AtelierTensor) b = exact_values (8, 1.0f);
  g_autoptr (GBytes) bytes = test_safetensors_build ("conv.weight", "F16", w, "conv.bias", "F32", b, NULL);
  g_assert_true (test_write_file (f->weights, bytes));
  gsize size;
  const guint8 *raw = g_bytes_get_data (bytes, &size);
  f->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, raw, size);
  write_manifest (f, f->sha256, "tiny.safetensors", "");
}

static void
model_fixture_teardown (ModelFixture *f, gconstpointer data)
{
  (void) data;
  test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->manifest);
  g_free (f->weights);
  g_free (f->sha256);
}

static void
test_model_open (ModelFixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierModel) model = atelier_model_open (f->manifest, &error);
  g_assert_no_error (error);
  const AtelierManifest *m = atelier_model_get_manifest (model);
  g_assert_cmpstr (atelier_manifest_get_architecture (m), ==, "test-net");
  g_assert_cmpstr (atelier_manifest_get_license (m), ==, "CC0-1.0");
  gint64 channels;
  double ratio;
  const char *act;
  g_autofree gint64 *blocks = NULL;
  guint n_blocks;
  g_assert_true (atelier_manifest_config_int (m, "channels", &channels, &error));
  g_assert_true (atelier_manifest_config_double (m, "ratio", &ratio, &error));
  g_assert_true (atelier_manifest_config_string (m, "act", &act, &error));
  g_assert_true (atelier_manifest_config_int_array (m, "blocks", &blocks, &n_blocks, &error));
  g_assert_cmpint (channels, ==, 8);
  g_assert_cmpfloat (ratio, ==, 0.5);
  g_assert_cmpstr (act, ==, "silu");
  g_assert_cmpuint (n_blocks, ==, 3);
  g_assert_cmpint (blocks[2], ==, 3);
  g_assert_false (atelier_manifest_config_int (m, "ratio", &channels, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT);
  g_assert_nonnull (strstr (error->message, "ratio"));
  g_clear_error (&error);

  g_autoptr (AtelierTensor) w = atelier_model_load_tensor (model, "conv.weight", 4, (const int64_t[]) { 8, 3, -1, -1 }, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (w->data[1], ==, (1 - 108) * 0.25f);
  g_autoptr (AtelierTensor) b = atelier_model_load_tensorf (model, 1, (const int64_t[]) { 8 }, &error, "conv.%s", "bias");
  g_assert_no_error (error);

  /* A missing or misshapen tensor is named in the error. */
  g_assert_null (atelier_model_load_tensor (model, "conv2.weight", 0, NULL, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_MISSING_TENSOR);
  g_assert_nonnull (strstr (error->message, "conv2.weight"));
  g_clear_error (&error);
  g_assert_null (atelier_model_load_tensor (model, "conv.weight", 4, (const int64_t[]) { 16, 3, 3, 3 }, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "conv.weight"));
  g_assert_nonnull (strstr (error->message, "(8, 3, 3, 3)"));
}

static void
test_model_checksum_mismatch (ModelFixture *f, gconstpointer data)
{
  (void) data;
  /* One flipped byte in the data section. */
  g_autofree char *contents = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (f->weights, &contents, &size, NULL));
  contents[size - 1] ^= 1;
  g_assert_true (g_file_set_contents (f->weights, contents, (gssize) size, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_model_open (f->manifest, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT);
  g_assert_nonnull (strstr (error->message, "sha256"));
  g_assert_nonnull (strstr (error->message, f->weights));
}

static void
test_model_missing_files (ModelFixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *absent = g_build_filename (f->dir, "absent.json", NULL);
  g_assert_null (atelier_model_open (absent, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_IO);
  g_assert_nonnull (strstr (error->message, absent));
  g_clear_error (&error);
  g_remove (f->weights);
  g_assert_null (atelier_model_open (f->manifest, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_IO);
  g_assert_nonnull (strstr (error->message, "tiny.safetensors"));
}

static void
test_manifest_invalid (ModelFixture *f, gconstpointer data)
{
  (void) data;
  const struct
  {
    const char *sha, *weights, *extra, *message_part;
  } cases[] = {
    { "abc", "tiny.safetensors", "", "sha256" },
    { NULL, "../tiny.safetensors", "", "beside the manifest" },
    { NULL, "", "", "weights" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_manifest (f, cases[i].sha ? cases[i].sha : f->sha256, cases[i].weights, cases[i].extra);
      g_autoptr (GError) error = NULL;
      g_assert_null (atelier_model_open (f->manifest, &error));
      g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
      g_assert_nonnull (strstr (error->message, f->manifest));
    }
  const char *bad_documents[] = {
    "not json", "[]", "{\"format\":\"atelier-model/2\"}",
    "{\"format\":\"atelier-model/1\",\"name\":\"x\",\"architecture\":\"y\",\"weights\":\"w\","
    "\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"source\":\"s\","
    "\"license\":\"l\",\"config\":[]}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_documents); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (atelier_manifest_new_from_data (bad_documents[i], strlen (bad_documents[i]), NULL, &error));
      g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT);
    }
}

/* The weights' digest: FIPS 180-2's "abc" example by hand, and GLib's independent implementation on buffers of
 * every length about SHA-256's 64-byte blocks and a large one. */
static void
test_sha256 (void)
{
  g_autoptr (GBytes) abc = g_bytes_new_static ("abc", 3);
  g_autofree char *abc_digest = atelier_sha256_hex (abc);
  g_assert_cmpstr (abc_digest, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const gsize lengths[] = { 0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 3 << 20 };
  for (gsize i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      guint8 *data = g_malloc (MAX (lengths[i], 1));
      for (gsize k = 0; k < lengths[i]; k++)
        data[k] = (guint8) (k * 2654435761u >> 13);
      g_autoptr (GBytes) bytes = g_bytes_new_take (data, lengths[i]);
      g_autofree char *ours = atelier_sha256_hex (bytes);
      g_autofree char *glib = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      g_assert_cmpstr (ours, ==, glib);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/safetensors/all-dtypes", test_load_all_dtypes);
  g_test_add_func ("/model/safetensors/scalar-and-empty", test_scalar_and_empty);
  for (gsize i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    g_test_add_data_func (broken_cases[i].path, &broken_cases[i], test_broken_case);
  g_test_add_func ("/model/safetensors/broken/lengths-and-truncation", test_broken_lengths);
  g_test_add_func ("/model/half-float", test_half_float);
  g_test_add_func ("/model/sha256", test_sha256);
  g_test_add ("/model/open", ModelFixture, NULL, model_fixture_setup, test_model_open, model_fixture_teardown);
  g_test_add ("/model/checksum-mismatch", ModelFixture, NULL, model_fixture_setup, test_model_checksum_mismatch,
              model_fixture_teardown);
  g_test_add ("/model/missing-files", ModelFixture, NULL, model_fixture_setup, test_model_missing_files,
              model_fixture_teardown);
  g_test_add ("/model/manifest-invalid", ModelFixture, NULL, model_fixture_setup, test_manifest_invalid,
              model_fixture_teardown);
  return g_test_run ();
}
