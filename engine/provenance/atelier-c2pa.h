/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What a C2PA manifest store says about a file: its active manifest's claim
 * generator and the actions it records, with their digital source types.
 * Read, not verified: the signature, the certificate chain and the hash
 * bindings to the pixels are not checked (that takes a C2PA SDK and a trust
 * list), so every caller must present this as what the file claims. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *action;              /* "c2pa.created", "c2pa.edited", ... */
  char *digital_source_type; /* an IPTC URI, or NULL */
  char *software_agent;      /* or NULL */
} AtelierC2paAction;

typedef struct
{
  guint n_manifests;     /* in the store; the last is the active one */
  char *claim_generator; /* "Adobe Photoshop 25.0", from claim_generator or claim_generator_info; or NULL */
  char *title;           /* dc:title, or NULL */
  GPtrArray *actions;    /* AtelierC2paAction, from the active manifest's actions assertion */
} AtelierC2paManifest;

/* @store: the JUMBF superbox labelled "c2pa". NULL with @error when it is malformed. */
AtelierC2paManifest *atelier_c2pa_read (const guint8 *store, gsize size, GError **error);
void atelier_c2pa_manifest_free (AtelierC2paManifest *manifest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierC2paManifest, atelier_c2pa_manifest_free)

G_END_DECLS
