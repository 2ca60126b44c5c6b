/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The models one filter instance has opened, by key ("esrgan-thick-x4"):
 * each is opened (read and hashed) once and then shared by every run of the
 * instance, previews in worker threads included. The models are only read
 * while a filter runs, so runs may share them. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtelierModelCache AtelierModelCache;

typedef gpointer (*AtelierModelOpenFunc) (gconstpointer data, GError **error);

AtelierModelCache *atelier_model_cache_new (void);
void atelier_model_cache_free (AtelierModelCache *cache);
/* The model under @key, opened by @open (@data) on first use and released with @release when the cache is
 * freed. NULL with @error when it cannot be opened; the next call tries again. */
gpointer atelier_model_cache_get (AtelierModelCache *cache, const char *key, AtelierModelOpenFunc open,
                                  gconstpointer data, GDestroyNotify release, GError **error);
/* How many models the cache has opened so far. */
int atelier_model_cache_opens (AtelierModelCache *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierModelCache, atelier_model_cache_free)

G_END_DECLS
