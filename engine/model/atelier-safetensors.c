/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "model/atelier-safetensors.h"

#include "core/atelier-error.h"
#include "model/half-float.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _AtelierSafetensors
{
  GBytes *bytes;
  const guint8 *data;   /* start of the data section */
  guint64 data_size;
  GPtrArray *entries;   /* AtelierSafetensorsEntry*, sorted by begin */
  GHashTable *by_name;  /* name -> entry */
  GHashTable *metadata; /* string -> string, or NULL */
};

static const struct
{
  const char *name;
  AtelierDType dtype;
  gsize size;
} dtypes[] = {
  { "F32", ATELIER_DTYPE_F32, 4 },
  { "F16", ATELIER_DTYPE_F16, 2 },
  { "BF16", ATELIER_DTYPE_BF16, 2 },
};

/* Valid in the format but not weights we can use: named in the error. */
static const char *const unsupported_dtypes[] = {
  "F64", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL", "F8_E4M3", "F8_E5M2",
};

const char *
atelier_dtype_name (AtelierDType dtype)
{
  return dtypes[dtype].name;
}

gsize
atelier_dtype_size (AtelierDType dtype)
{
  return dtypes[dtype].size;
}

static void
entry_free (gpointer p)
{
  AtelierSafetensorsEntry *e = p;
  g_free (e->name);
  g_free (e);
}

void
atelier_safetensors_free (AtelierSafetensors *st)
{
  if (st == NULL)
    return;
  g_clear_pointer (&st->by_name, g_hash_table_unref);
  g_clear_pointer (&st->entries, g_ptr_array_unref);
  g_clear_pointer (&st->metadata, g_hash_table_unref);
  g_clear_pointer (&st->bytes, g_bytes_unref);
  g_free (st);
}

static gboolean
corrupt (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT, "corrupt safetensors file: %s", message);
  return FALSE;
}

static gboolean
read_nonnegative_int (JsonNode *node, guint64 *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  gint64 v = json_node_get_int (node);
  if (v < 0)
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

static gboolean
parse_dtype (const char *tensor, JsonNode *node, AtelierDType *dtype, GError **error)
{
  const char *name = node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                       ? json_node_get_string (node) : NULL;
  if (name == NULL)
    return corrupt (error, "tensor \"%s\" has no dtype string", tensor);
  for (gsize i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (strcmp (name, dtypes[i].name) == 0)
      {
        *dtype = dtypes[i].dtype;
        return TRUE;
      }
  for (gsize i = 0; i < G_N_ELEMENTS (unsupported_dtypes); i++)
    if (strcmp (name, unsupported_dtypes[i]) == 0)
      {
        g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED,
                     "tensor \"%s\" has dtype %s; Atelier loads F32, F16 and BF16 weights", tensor, name);
        return FALSE;
      }
  return corrupt (error, "tensor \"%s\" has unknown dtype \"%s\"", tensor, name);
}

static gboolean
parse_entry (AtelierSafetensors *st, const char *name, JsonNode *node, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, "header entry \"%s\" is not an object", name);
  JsonObject *obj = json_node_get_object (node);
  AtelierSafetensorsEntry *e = g_new0 (AtelierSafetensorsEntry, 1);
  e->name = g_strdup (name);
  g_ptr_array_add (st->entries, e); /* owned from here on, freed with the array */

  if (!parse_dtype (name, json_object_get_member (obj, "dtype"), &e->dtype, error))
    return FALSE;

  JsonNode *shape = json_object_get_member (obj, "shape");
  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    return corrupt (error, "tensor \"%s\" has no shape array", name);
  JsonArray *dims = json_node_get_array (shape);
  guint rank = json_array_get_length (dims);
  if (rank > ATELIER_SAFETENSORS_MAX_RANK)
    return corrupt (error, "tensor \"%s\" has rank %u, more than %d", name, rank, ATELIER_SAFETENSORS_MAX_RANK);
  e->rank = (int) rank;
  guint64 bytes = atelier_dtype_size (e->dtype);
  for (guint i = 0; i < rank; i++)
    {
      guint64 d;
      if (!read_nonnegative_int (json_array_get_element (dims, i), &d) || d > G_MAXINT64)
        return corrupt (error, "tensor \"%s\" dimension %u is not a non-negative integer", name, i);
      if (d != 0 && bytes > G_MAXUINT64 / d)
        return corrupt (error, "tensor \"%s\" shape overflows", name);
      bytes *= d;
      e->shape[i] = (int64_t) d;
    }

  JsonNode *offsets = json_object_get_member (obj, "data_offsets");
  if (offsets == NULL || !JSON_NODE_HOLDS_ARRAY (offsets) || json_array_get_length (json_node_get_array (offsets)) != 2
      || !read_nonnegative_int (json_array_get_element (json_node_get_array (offsets), 0), &e->begin)
      || !read_nonnegative_int (json_array_get_element (json_node_get_array (offsets), 1), &e->end))
    return corrupt (error, "tensor \"%s\" has no [begin, end] data_offsets", name);
  if (e->begin > e->end || e->end > st->data_size)
    return corrupt (error, "tensor \"%s\" data [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                           ") lies outside the %" G_GUINT64_FORMAT "-byte data section",
                    name, e->begin, e->end, st->data_size);
  if (e->end - e->begin != bytes)
    return corrupt (error, "tensor \"%s\" has %" G_GUINT64_FORMAT " bytes of data but its shape needs %" G_GUINT64_FORMAT,
                    name, e->end - e->begin, bytes);
  return TRUE;
}

static gboolean
parse_metadata (AtelierSafetensors *st, JsonNode *node, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, "__metadata__ is not an object");
  st->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return corrupt (error, "__metadata__ value \"%s\" is not a string", key);
      g_hash_table_insert (st->metadata, g_strdup (key), g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

static int
compare_by_begin (gconstpointer a, gconstpointer b)
{
  const AtelierSafetensorsEntry *x = *(AtelierSafetensorsEntry *const *) a;
  const AtelierSafetensorsEntry *y = *(AtelierSafetensorsEntry *const *) b;
  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

static gboolean
check_no_overlap (AtelierSafetensors *st, GError **error)
{
  g_ptr_array_sort (st->entries, compare_by_begin);
  for (guint i = 1; i < st->entries->len; i++)
    {
      const AtelierSafetensorsEntry *prev = st->entries->pdata[i - 1], *cur = st->entries->pdata[i];
      /* Two empty tensors may share an offset; nothing else may share bytes. */
      if (cur->begin < prev->end)
        return corrupt (error, "tensors \"%s\" and \"%s\" overlap", prev->name, cur->name);
    }
  return TRUE;
}

AtelierSafetensors *
atelier_safetensors_new_from_bytes (GBytes *bytes, GError **error)
{
  gsize size;
  const guint8 *raw = g_bytes_get_data (bytes, &size);
  if (size < 8)
    {
      corrupt (error, "%zu bytes is shorter than the 8-byte header length", size);
      return NULL;
    }
  guint64 header_len;
  memcpy (&header_len, raw, 8);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len > size - 8 || header_len > ATELIER_SAFETENSORS_MAX_HEADER)
    {
      corrupt (error, "header length %" G_GUINT64_FORMAT " exceeds the file (%zu bytes)", header_len, size);
      return NULL;
    }

  g_autoptr (AtelierSafetensors) st = g_new0 (AtelierSafetensors, 1);
  st->bytes = g_bytes_ref (bytes);
  st->data = raw + 8 + header_len;
  st->data_size = size - 8 - header_len;
  st->entries = g_ptr_array_new_with_free_func (entry_free);
  st->by_name = g_hash_table_new (g_str_hash, g_str_equal);

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) json_error = NULL;
  if (header_len == 0 || !json_parser_load_from_data (parser, (const char *) raw + 8, (gssize) header_len, &json_error))
    {
      corrupt (error, "header is not valid JSON (%s)", json_error ? json_error->message : "empty");
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      corrupt (error, "header is not a JSON object");
      return NULL;
    }
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &name, &node))
    {
      gboolean ok = strcmp (name, "__metadata__") == 0 ? parse_metadata (st, node, error)
                                                      : parse_entry (st, name, node, error);
      if (!ok)
        return NULL;
    }
  if (!check_no_overlap (st, error))
    return NULL;
  for (guint i = 0; i < st->entries->len; i++)
    {
      AtelierSafetensorsEntry *e = st->entries->pdata[i];
      g_hash_table_insert (st->by_name, e->name, e);
    }
  return g_steal_pointer (&st);
}

AtelierSafetensors *
atelier_safetensors_open (const char *path, GError **error)
{
  g_autoptr (GError) io_error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &io_error);
  if (file == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_IO, "cannot open weights %s: %s", path, io_error->message);
      return NULL;
    }
  g_autoptr (GBytes) bytes = g_mapped_file_get_bytes (file);
  g_autoptr (GError) parse_error = NULL;
  AtelierSafetensors *st = atelier_safetensors_new_from_bytes (bytes, &parse_error);
  if (st == NULL)
    g_set_error (error, ATELIER_ERROR, parse_error->code, "%s: %s", path, parse_error->message);
  return st;
}

GBytes *
atelier_safetensors_get_bytes (const AtelierSafetensors *st)
{
  return st->bytes;
}

guint
atelier_safetensors_get_n_tensors (const AtelierSafetensors *st)
{
  return st->entries->len;
}

const AtelierSafetensorsEntry *
atelier_safetensors_get_entry (const AtelierSafetensors *st, guint index)
{
  g_return_val_if_fail (index < st->entries->len, NULL);
  return st->entries->pdata[index];
}

const AtelierSafetensorsEntry *
atelier_safetensors_lookup (const AtelierSafetensors *st, const char *name)
{
  return g_hash_table_lookup (st->by_name, name);
}

GHashTable *
atelier_safetensors_get_metadata (const AtelierSafetensors *st)
{
  return st->metadata;
}

AtelierTensor *
atelier_safetensors_load (const AtelierSafetensors *st, const AtelierSafetensorsEntry *e, GError **error)
{
  if (e->rank > ATELIER_TENSOR_MAX_RANK)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED,
                   "tensor \"%s\" has rank %d; the engine handles up to %d", e->name, e->rank, ATELIER_TENSOR_MAX_RANK);
      return NULL;
    }
  /* A scalar becomes a one-element vector. */
  const int64_t scalar_shape[1] = { 1 };
  AtelierTensor *t = e->rank == 0 ? atelier_tensor_new (1, scalar_shape, error)
                                  : atelier_tensor_new (e->rank, e->shape, error);
  if (t == NULL)
    return NULL;
  const guint8 *src = st->data + e->begin;
  const gint64 n = atelier_tensor_numel (t);
  switch (e->dtype)
    {
    case ATELIER_DTYPE_F32:
      for (gint64 i = 0; i < n; i++)
        {
          guint32 bits;
          memcpy (&bits, src + 4 * i, 4);
          bits = GUINT32_FROM_LE (bits);
          memcpy (&t->data[i], &bits, 4);
        }
      break;
    case ATELIER_DTYPE_F16:
      atelier_half_to_float_array (src, t->data, n);
      break;
    case ATELIER_DTYPE_BF16:
      for (gint64 i = 0; i < n; i++)
        {
          guint16 bits;
          memcpy (&bits, src + 2 * i, 2);
          t->data[i] = atelier_bfloat16_to_float (GUINT16_FROM_LE (bits));
        }
      break;
    }
  return t;
}
