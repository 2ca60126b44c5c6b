/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "model/atelier-manifest.h"

#include "core/atelier-error.h"

#include <string.h>

struct _AtelierManifest
{
  JsonNode *root;
  char *path;
  char *label; /* the path, or "manifest" when parsed from memory: for messages */
  char *weights_path;
  const char *name, *architecture, *sha256, *source, *license; /* inside root */
  JsonObject *config;
};

void
atelier_manifest_free (AtelierManifest *m)
{
  if (m == NULL)
    return;
  g_clear_pointer (&m->root, json_node_unref);
  g_free (m->path);
  g_free (m->label);
  g_free (m->weights_path);
  g_free (m);
}

static gboolean
invalid (const AtelierManifest *m, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (const AtelierManifest *m, GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT, "model manifest %s: %s", m->label, message);
  return FALSE;
}

static gboolean
required_string (AtelierManifest *m, JsonObject *root, const char *key, const char **out, GError **error)
{
  JsonNode *node = json_object_get_member (root, key);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || *json_node_get_string (node) == '\0')
    return invalid (m, error, "\"%s\" must be a non-empty string", key);
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
is_sha256_hex (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static AtelierManifest *
manifest_parse (const char *json, gsize length, const char *base_dir, const char *label, GError **error)
{
  g_autoptr (AtelierManifest) m = g_new0 (AtelierManifest, 1);
  m->label = g_strdup (label);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) json_error = NULL;
  if (!json_parser_load_from_data (parser, json, (gssize) length, &json_error))
    {
      invalid (m, error, "not valid JSON (%s)", json_error->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (m, error, "not a JSON object");
      return NULL;
    }
  m->root = json_node_copy (root);
  JsonObject *obj = json_node_get_object (m->root);
  const char *format, *weights;
  if (!required_string (m, obj, "format", &format, error))
    return NULL;
  if (strcmp (format, ATELIER_MANIFEST_FORMAT) != 0)
    {
      invalid (m, error, "format \"%s\" is not \"%s\"", format, ATELIER_MANIFEST_FORMAT);
      return NULL;
    }
  if (!required_string (m, obj, "name", &m->name, error)
      || !required_string (m, obj, "architecture", &m->architecture, error)
      || !required_string (m, obj, "weights", &weights, error)
      || !required_string (m, obj, "sha256", &m->sha256, error)
      || !required_string (m, obj, "source", &m->source, error)
      || !required_string (m, obj, "license", &m->license, error))
    return NULL;
  /* The weights sit beside the manifest: a path could point anywhere. */
  if (strchr (weights, '/') != NULL || strchr (weights, '\\') != NULL || strcmp (weights, "..") == 0)
    {
      invalid (m, error, "\"weights\" must be a file name beside the manifest, not \"%s\"", weights);
      return NULL;
    }
  if (!is_sha256_hex (m->sha256))
    {
      invalid (m, error, "\"sha256\" must be 64 lower-case hex digits");
      return NULL;
    }
  JsonNode *config = json_object_get_member (obj, "config");
  if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
    {
      invalid (m, error, "\"config\" must be an object");
      return NULL;
    }
  m->config = json_node_get_object (config);
  m->weights_path = g_build_filename (base_dir ? base_dir : ".", weights, NULL);
  return g_steal_pointer (&m);
}

AtelierManifest *
atelier_manifest_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr (GError) io_error = NULL;
  if (!g_file_get_contents (path, &contents, &length, &io_error))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_IO, "cannot read model manifest %s: %s", path,
                   io_error->message);
      return NULL;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  AtelierManifest *m = manifest_parse (contents, length, dir, path, error);
  if (m != NULL)
    m->path = g_strdup (path);
  return m;
}

AtelierManifest *
atelier_manifest_new_from_data (const char *json, gsize length, const char *base_dir, GError **error)
{
  return manifest_parse (json, length, base_dir, "(in memory)", error);
}

const char *atelier_manifest_get_path (const AtelierManifest *m) { return m->path; }
const char *atelier_manifest_get_name (const AtelierManifest *m) { return m->name; }
const char *atelier_manifest_get_architecture (const AtelierManifest *m) { return m->architecture; }
const char *atelier_manifest_get_weights_path (const AtelierManifest *m) { return m->weights_path; }
const char *atelier_manifest_get_sha256 (const AtelierManifest *m) { return m->sha256; }
const char *atelier_manifest_get_source (const AtelierManifest *m) { return m->source; }
const char *atelier_manifest_get_license (const AtelierManifest *m) { return m->license; }
JsonObject *atelier_manifest_get_config (const AtelierManifest *m) { return m->config; }

static JsonNode *
config_value (const AtelierManifest *m, const char *key, GType type, const char *type_name, GError **error)
{
  JsonNode *node = json_object_get_member (m->config, key);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != type
          && !(type == G_TYPE_DOUBLE && json_node_get_value_type (node) == G_TYPE_INT64)))
    {
      invalid (m, error, "config \"%s\" must be %s", key, type_name);
      return NULL;
    }
  return node;
}

gboolean
atelier_manifest_check_architecture (const AtelierManifest *m, const char *architecture, GError **error)
{
  if (g_strcmp0 (m->architecture, architecture) == 0)
    return TRUE;
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED, "model %s has architecture \"%s\", not \"%s\"",
               m->name, m->architecture, architecture);
  return FALSE;
}

gboolean
atelier_manifest_config_int_in (const AtelierManifest *m, const char *key, int lo, int hi, int *value,
                                GError **error)
{
  gint64 v;
  if (!atelier_manifest_config_int (m, key, &v, error))
    return FALSE;
  if (v < lo || v > hi)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT,
                   "model %s: config \"%s\" = %" G_GINT64_FORMAT " is outside %d..%d", m->name, key, v, lo, hi);
      return FALSE;
    }
  *value = (int) v;
  return TRUE;
}

gboolean
atelier_manifest_config_int (const AtelierManifest *m, const char *key, gint64 *value, GError **error)
{
  JsonNode *node = config_value (m, key, G_TYPE_INT64, "an integer", error);
  if (node != NULL)
    *value = json_node_get_int (node);
  return node != NULL;
}

gboolean
atelier_manifest_config_double (const AtelierManifest *m, const char *key, double *value, GError **error)
{
  JsonNode *node = config_value (m, key, G_TYPE_DOUBLE, "a number", error);
  if (node != NULL)
    *value = json_node_get_double (node);
  return node != NULL;
}

gboolean
atelier_manifest_config_string (const AtelierManifest *m, const char *key, const char **value, GError **error)
{
  JsonNode *node = config_value (m, key, G_TYPE_STRING, "a string", error);
  if (node != NULL)
    *value = json_node_get_string (node);
  return node != NULL;
}

/* The config array @key when every element holds a value of @type, else NULL with an error. */
static JsonArray *
config_array (const AtelierManifest *m, const char *key, GType type, const char *type_name, GError **error)
{
  JsonNode *node = json_object_get_member (m->config, key);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != type)
        array = NULL;
    }
  if (array == NULL)
    invalid (m, error, "config \"%s\" must be an array of %s", key, type_name);
  return array;
}

gboolean
atelier_manifest_config_int_array (const AtelierManifest *m, const char *key, gint64 **values, guint *count,
                                   GError **error)
{
  JsonArray *array = config_array (m, key, G_TYPE_INT64, "integers", error);
  if (array == NULL)
    return FALSE;
  *count = json_array_get_length (array);
  *values = g_new0 (gint64, MAX (*count, 1));
  for (guint i = 0; i < *count; i++)
    (*values)[i] = json_array_get_int_element (array, i);
  return TRUE;
}

gboolean
atelier_manifest_config_string_array (const AtelierManifest *m, const char *key, char ***values, GError **error)
{
  JsonArray *array = config_array (m, key, G_TYPE_STRING, "strings", error);
  if (array == NULL)
    return FALSE;
  guint count = json_array_get_length (array);
  *values = g_new0 (char *, count + 1);
  for (guint i = 0; i < count; i++)
    (*values)[i] = g_strdup (json_array_get_string_element (array, i));
  return TRUE;
}

char *
atelier_manifest_to_string (const AtelierManifest *m)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, m->root);
  return json_generator_to_data (gen, NULL);
}
