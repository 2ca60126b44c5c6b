/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The safetensors format: an 8-byte little-endian header length, a JSON header
 * mapping tensor names to dtype, shape and byte range, then the raw data.
 * Every field is checked before use, so a corrupt or hostile file yields a
 * GError and never an out-of-bounds read. */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

#define ATELIER_SAFETENSORS_MAX_RANK 8
/* The reference implementation refuses headers above 100 MB too. */
#define ATELIER_SAFETENSORS_MAX_HEADER ((guint64) 100000000)

typedef enum
{
  ATELIER_DTYPE_F32,
  ATELIER_DTYPE_F16,
  ATELIER_DTYPE_BF16,
} AtelierDType;

typedef struct
{
  char *name;
  AtelierDType dtype;
  int rank;
  int64_t shape[ATELIER_SAFETENSORS_MAX_RANK];
  guint64 begin, end; /* byte range relative to the data section */
} AtelierSafetensorsEntry;

typedef struct _AtelierSafetensors AtelierSafetensors;

/* Memory-maps @path. */
AtelierSafetensors *atelier_safetensors_open (const char *path, GError **error);
/* Parses a buffer already in memory (the fuzz target's entry point). */
AtelierSafetensors *atelier_safetensors_new_from_bytes (GBytes *bytes, GError **error);
void atelier_safetensors_free (AtelierSafetensors *st);

/* The whole file, for checksums. */
GBytes *atelier_safetensors_get_bytes (const AtelierSafetensors *st);
guint atelier_safetensors_get_n_tensors (const AtelierSafetensors *st);
/* Entries sorted by data offset. */
const AtelierSafetensorsEntry *atelier_safetensors_get_entry (const AtelierSafetensors *st, guint index);
const AtelierSafetensorsEntry *atelier_safetensors_lookup (const AtelierSafetensors *st, const char *name);
/* The "__metadata__" string map, or NULL. */
GHashTable *atelier_safetensors_get_metadata (const AtelierSafetensors *st);

/* Converts to a new float32 tensor. */
AtelierTensor *atelier_safetensors_load (const AtelierSafetensors *st, const AtelierSafetensorsEntry *entry,
                                         GError **error);

const char *atelier_dtype_name (AtelierDType dtype);
gsize atelier_dtype_size (AtelierDType dtype);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierSafetensors, atelier_safetensors_free)

G_END_DECLS
