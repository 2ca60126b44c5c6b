/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-model-cache.h"

typedef struct
{
  gpointer model;
  GDestroyNotify release;
} Entry;

struct _AtelierModelCache
{
  GMutex lock; /* previews render in worker threads */
  GHashTable *models; /* key -> Entry */
  int opens;
};

static void
entry_free (gpointer p)
{
  Entry *entry = p;
  entry->release (entry->model);
  g_free (entry);
}

AtelierModelCache *
atelier_model_cache_new (void)
{
  AtelierModelCache *cache = g_new0 (AtelierModelCache, 1);
  g_mutex_init (&cache->lock);
  cache->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return cache;
}

void
atelier_model_cache_free (AtelierModelCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_destroy (cache->models);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

gpointer
atelier_model_cache_get (AtelierModelCache *cache, const char *key, AtelierModelOpenFunc open, gconstpointer data,
                         GDestroyNotify release, GError **error)
{
  g_mutex_lock (&cache->lock);
  Entry *entry = g_hash_table_lookup (cache->models, key);
  if (entry == NULL)
    {
      gpointer model = open (data, error);
      if (model != NULL)
        {
          entry = g_new (Entry, 1);
          *entry = (Entry) { model, release };
          g_hash_table_insert (cache->models, g_strdup (key), entry);
          cache->opens++;
        }
    }
  g_mutex_unlock (&cache->lock);
  return entry ? entry->model : NULL;
}

int
atelier_model_cache_opens (AtelierModelCache *cache)
{
  g_mutex_lock (&cache->lock);
  const int opens = cache->opens;
  g_mutex_unlock (&cache->lock);
  return opens;
}
