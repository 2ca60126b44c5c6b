/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The JSON manifest beside every weights file:
 *   { "format": "atelier-model/1", "name": ..., "architecture": ...,
 *     "config": { ... }, "weights": "file.safetensors", "sha256": "<64 hex>",
 *     "source": ..., "license": ..., "attribution": ... }
 * "config" holds whatever the architecture needs (channel counts, block
 * counts, scale); networks read it through the typed getters below. */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ATELIER_MANIFEST_FORMAT "atelier-model/1"

typedef struct _AtelierManifest AtelierManifest;

AtelierManifest *atelier_manifest_load (const char *path, GError **error);
/* @base_dir resolves the weights file name. */
AtelierManifest *atelier_manifest_new_from_data (const char *json, gsize length, const char *base_dir,
                                                 GError **error);
void atelier_manifest_free (AtelierManifest *manifest);

const char *atelier_manifest_get_path (const AtelierManifest *m); /* NULL when parsed from memory */
const char *atelier_manifest_get_name (const AtelierManifest *m);
const char *atelier_manifest_get_architecture (const AtelierManifest *m);
const char *atelier_manifest_get_weights_path (const AtelierManifest *m);
const char *atelier_manifest_get_sha256 (const AtelierManifest *m);
const char *atelier_manifest_get_source (const AtelierManifest *m);
const char *atelier_manifest_get_license (const AtelierManifest *m);
JsonObject *atelier_manifest_get_config (const AtelierManifest *m);

/* A network refuses a manifest written for another architecture (an UNSUPPORTED error naming both). */
gboolean atelier_manifest_check_architecture (const AtelierManifest *m, const char *architecture, GError **error);

/* Required config values: a missing key or a wrong type is an error naming
 * the key and the manifest. */
gboolean atelier_manifest_config_int (const AtelierManifest *m, const char *key, gint64 *value, GError **error);
/* An integer in @lo..@hi: a value outside is a MODEL_CORRUPT error naming the key and the range. */
gboolean atelier_manifest_config_int_in (const AtelierManifest *m, const char *key, int lo, int hi, int *value,
                                         GError **error);
gboolean atelier_manifest_config_double (const AtelierManifest *m, const char *key, double *value, GError **error);
gboolean atelier_manifest_config_string (const AtelierManifest *m, const char *key, const char **value, GError **error);
/* An array of integers; *values is newly allocated. */
gboolean atelier_manifest_config_int_array (const AtelierManifest *m, const char *key, gint64 **values,
                                            guint *count, GError **error);
/* An array of strings; *values is a newly allocated NULL-terminated GStrv. */
gboolean atelier_manifest_config_string_array (const AtelierManifest *m, const char *key, char ***values,
                                               GError **error);

/* The manifest pretty-printed, for `atelier info`. */
char *atelier_manifest_to_string (const AtelierManifest *m);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierManifest, atelier_manifest_free)

G_END_DECLS
