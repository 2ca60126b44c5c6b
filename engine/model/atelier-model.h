/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A model = its manifest + its verified, memory-mapped weights. Networks bind
 * their tensors by name through atelier_model_load_tensor, which names the
 * tensor in the error when it is missing or has the wrong shape. */

#include "core/atelier-tensor.h"
#include "model/atelier-manifest.h"
#include "model/atelier-safetensors.h"

G_BEGIN_DECLS

typedef struct _AtelierModel AtelierModel;

/* Reads the manifest, maps the weights beside it and checks their sha256. */
AtelierModel *atelier_model_open (const char *manifest_path, GError **error);
void atelier_model_free (AtelierModel *model);

const AtelierManifest *atelier_model_get_manifest (const AtelierModel *model);
const AtelierSafetensors *atelier_model_get_weights (const AtelierModel *model);

/* @shape entries of -1 match any size; @rank 0 skips the shape check. */
AtelierTensor *atelier_model_load_tensor (const AtelierModel *model, const char *name,
                                          int rank, const int64_t *shape, GError **error);
/* printf-style name, for per-block tensors ("blocks.%d.conv1.weight"). */
AtelierTensor *atelier_model_load_tensorf (const AtelierModel *model, int rank, const int64_t *shape,
                                           GError **error, const char *name_format, ...) G_GNUC_PRINTF (5, 6);

/* Hex sha256 of a byte buffer. */
char *atelier_sha256_hex (GBytes *bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierModel, atelier_model_free)

G_END_DECLS
