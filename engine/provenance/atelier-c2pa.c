/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-c2pa.h"

#include "atelier-jumbf.h"
#include "core/atelier-error.h"

#include <cbor.h>
#include <string.h>

/* ------------------------------------------------------ bounded CBOR */

typedef struct
{
  gsize left;         /* bytes of input after the item being decoded */
  gboolean oversized; /* an array or map declared more items than bytes left */
} SizeCheck;

static void
check_array (void *context, size_t count)
{
  SizeCheck *check = context;
  check->oversized |= count > check->left;
}

static void
check_map (void *context, size_t count)
{
  SizeCheck *check = context;
  check->oversized |= count > check->left / 2;
}

/* libcbor allocates an array's or map's slots for the count its header declares; a hostile header can declare
 * billions in five bytes. Every item takes at least one byte, so a count above the bytes left is a lie: walking
 * the headers with the streaming decoder first bounds what cbor_load allocates by the input's size. */
static gboolean
counts_fit (const guint8 *data, gsize size)
{
  struct cbor_callbacks callbacks = cbor_empty_callbacks;
  callbacks.array_start = check_array;
  callbacks.map_start = check_map;
  SizeCheck check = { 0, FALSE };
  gsize offset = 0;
  while (offset < size)
    {
      check.left = size - offset;
      const struct cbor_decoder_result result = cbor_stream_decode (data + offset, size - offset, &callbacks, &check);
      if (result.status != CBOR_DECODER_FINISHED || result.read == 0 || check.oversized)
        return FALSE;
      offset += result.read;
    }
  return TRUE;
}

static cbor_item_t *
load_cbor (const guint8 *data, gsize size, GError **error)
{
  struct cbor_load_result result;
  cbor_item_t *item = counts_fit (data, size) ? cbor_load (data, size, &result) : NULL;
  if (item == NULL)
    g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "malformed CBOR in the C2PA manifest");
  return item;
}

static const cbor_item_t *
untagged (const cbor_item_t *item)
{
  while (item != NULL && cbor_isa_tag (item))
    {
      cbor_item_t *inner = cbor_tag_item (item);
      item = inner;
      /* cbor_tag_item gives a new reference; the tag keeps its own, so @item stays valid while the tag lives. */
      cbor_decref (&inner);
    }
  return item;
}

static char *
text_of (const cbor_item_t *item)
{
  item = untagged (item);
  if (item == NULL || !cbor_isa_string (item) || !cbor_string_is_definite (item))
    return NULL;
  return g_utf8_make_valid ((const char *) cbor_string_handle (item), (gssize) cbor_string_length (item));
}

/* The value of @map's text key @key, or NULL. */
static const cbor_item_t *
map_get (const cbor_item_t *map, const char *key)
{
  map = untagged (map);
  if (map == NULL || !cbor_isa_map (map))
    return NULL;
  const struct cbor_pair *pairs = cbor_map_handle (map);
  const gsize key_length = strlen (key);
  for (gsize i = 0; i < cbor_map_size (map); i++)
    {
      const cbor_item_t *k = untagged (pairs[i].key);
      if (cbor_isa_string (k) && cbor_string_is_definite (k) && cbor_string_length (k) == key_length
          && memcmp (cbor_string_handle (k), key, key_length) == 0)
        return pairs[i].value;
    }
  return NULL;
}

/* ------------------------------------------------------ manifests */

static void
action_free (gpointer data)
{
  AtelierC2paAction *action = data;
  g_free (action->action);
  g_free (action->digital_source_type);
  g_free (action->software_agent);
  g_free (action);
}

void
atelier_c2pa_manifest_free (AtelierC2paManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->claim_generator);
  g_free (manifest->title);
  g_ptr_array_unref (manifest->actions);
  g_free (manifest);
}

/* A software agent or generator is text (C2PA 1.x) or a map with name and version (claim_generator_info, 2.x). */
static char *
agent_name (const cbor_item_t *item)
{
  char *text = text_of (item);
  if (text != NULL)
    return text;
  item = untagged (item);
  if (item != NULL && cbor_isa_array (item) && cbor_array_size (item) > 0)
    item = cbor_array_handle (item)[0];
  g_autofree char *name = text_of (map_get (item, "name"));
  g_autofree char *version = text_of (map_get (item, "version"));
  if (name == NULL)
    return NULL;
  return version ? g_strdup_printf ("%s %s", name, version) : g_steal_pointer (&name);
}

/* The CBOR content of the superbox @box: TRUE with *@item NULL when it has none. */
static gboolean
load_content (const AtelierJumbfBox *box, cbor_item_t **item, GError **error)
{
  AtelierJumbfBox content;
  g_autoptr (GError) inner = NULL;
  *item = NULL;
  if (atelier_jumbf_content (box, ATELIER_JUMBF_TYPE ('c', 'b', 'o', 'r'), &content, &inner))
    return (*item = load_cbor (content.data, content.size, error)) != NULL;
  if (inner == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}

static gboolean
read_claim (AtelierC2paManifest *manifest, const AtelierJumbfBox *box, GError **error)
{
  cbor_item_t *claim;
  if (!load_content (box, &claim, error))
    return FALSE;
  if (claim == NULL)
    return TRUE;
  manifest->claim_generator = text_of (map_get (claim, "claim_generator"));
  if (manifest->claim_generator == NULL)
    manifest->claim_generator = agent_name (map_get (claim, "claim_generator_info"));
  manifest->title = text_of (map_get (claim, "dc:title"));
  cbor_decref (&claim);
  return TRUE;
}

static gboolean
read_actions (AtelierC2paManifest *manifest, const AtelierJumbfBox *box, GError **error)
{
  cbor_item_t *assertion;
  if (!load_content (box, &assertion, error))
    return FALSE;
  if (assertion == NULL)
    return TRUE;
  const cbor_item_t *actions = untagged (map_get (assertion, "actions"));
  for (gsize i = 0; actions != NULL && cbor_isa_array (actions) && i < cbor_array_size (actions); i++)
    {
      const cbor_item_t *item = cbor_array_handle (actions)[i];
      AtelierC2paAction *action = g_new0 (AtelierC2paAction, 1);
      action->action = text_of (map_get (item, "action"));
      action->digital_source_type = text_of (map_get (item, "digitalSourceType"));
      action->software_agent = agent_name (map_get (item, "softwareAgent"));
      if (action->action == NULL)
        action_free (action);
      else
        g_ptr_array_add (manifest->actions, action);
    }
  cbor_decref (&assertion);
  return TRUE;
}

AtelierC2paManifest *
atelier_c2pa_read (const guint8 *store, gsize size, GError **error)
{
  gsize offset = 0;
  AtelierJumbfBox top, manifest_box, found;
  g_autoptr (GError) inner = NULL;
  if (!atelier_jumbf_next (store, size, &offset, &top, &inner))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "an empty C2PA manifest store%s%s",
                   inner ? ": " : "", inner ? inner->message : "");
      return NULL;
    }
  g_autoptr (AtelierC2paManifest) manifest = g_new0 (AtelierC2paManifest, 1);
  manifest->actions = g_ptr_array_new_with_free_func (action_free);

  /* The manifests are the store's superboxes; the last is the active one. */
  gsize child_offset = 0;
  AtelierJumbfBox child;
  while (atelier_jumbf_next (top.data, top.size, &child_offset, &child, &inner))
    if (child.type == ATELIER_JUMBF_TYPE ('j', 'u', 'm', 'b'))
      {
        g_autofree char *label = atelier_jumbf_label (&child, &inner);
        if (label == NULL)
          break;
        manifest->n_manifests++;
        manifest_box = child;
      }
  if (inner != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return NULL;
    }
  if (manifest->n_manifests == 0)
    return g_steal_pointer (&manifest);

  if (atelier_jumbf_find_prefix (&manifest_box, "c2pa.claim", &found, &inner) && !read_claim (manifest, &found, &inner))
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return NULL;
    }
  AtelierJumbfBox assertions;
  if (inner == NULL && atelier_jumbf_find (&manifest_box, "c2pa.assertions", FALSE, &assertions, &inner)
      && atelier_jumbf_find_prefix (&assertions, "c2pa.actions", &found, &inner))
    read_actions (manifest, &found, &inner);
  if (inner != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return NULL;
    }
  return g_steal_pointer (&manifest);
}
