/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-provenance.h"

#include "atelier-file-metadata.h"
#include "core/atelier-i18n.h"

#include <string.h>

/* A generator note shows this much of a text chunk: enough to name the model, not the whole workflow. */
#define NOTE_EXCERPT 160

typedef struct
{
  const char *keyword;
  const char *writer;
} GeneratorChunk;

/* Text chunks that image generators write into their PNGs. */
static const GeneratorChunk generator_chunks[] = {
  { "parameters", "AUTOMATIC1111 / Forge" },
  { "prompt", "ComfyUI" },
  { "workflow", "ComfyUI" },
  { "invokeai_metadata", "InvokeAI" },
  { "sd-metadata", "InvokeAI" },
  { "Dream", "InvokeAI" },
  { "Software", NULL },
  { "Comment", NULL },
  { "Description", NULL },
  { "Exif.Software", NULL },
  { "Exif.ImageDescription", NULL },
  { "Exif.UserComment", NULL },
  { "Exif.MakerNote", NULL },
};

/* Words in a text that name a generator rather than a camera or an editor. */
static const char *const generator_words[] = {
  "OpenAI", "DALL", "Midjourney", "Stable Diffusion", "stable-diffusion", "sd_xl", "Steps:", "Sampler:", "ckpt_name",
  "KSampler", "Firefly", "Imagen", "NovelAI", "flux", "Kandinsky",
};

static gboolean
names_a_generator (const char *text)
{
  for (gsize i = 0; i < G_N_ELEMENTS (generator_words); i++)
    if (strstr (text, generator_words[i]) != NULL)
      return TRUE;
  return FALSE;
}

void
atelier_provenance_free (AtelierProvenance *provenance)
{
  if (provenance == NULL)
    return;
  g_free (provenance->digital_source_type);
  g_free (provenance->creator_tool);
  g_ptr_array_unref (provenance->history);
  g_ptr_array_unref (provenance->generator_notes);
  atelier_c2pa_manifest_free (provenance->c2pa);
  g_free (provenance->c2pa_problem);
  g_free (provenance);
}

static char *
xmp_text (GExiv2Metadata *xmp, const char *tag)
{
  g_autoptr (GError) error = NULL;
  if (!gexiv2_metadata_try_has_tag (xmp, tag, &error))
    return NULL;
  return gexiv2_metadata_try_get_tag_string (xmp, tag, &error);
}

/* XMP through exiv2. A file exiv2 cannot open (truncated, exotic) simply has no XMP here. */
static void
read_xmp (AtelierProvenance *provenance, const char *path)
{
  g_autoptr (GExiv2Metadata) xmp = gexiv2_metadata_new ();
  g_autoptr (GError) error = NULL;
  if (!gexiv2_metadata_open_path (xmp, path, &error))
    return;
  provenance->digital_source_type = xmp_text (xmp, "Xmp.iptcExt.DigitalSourceType");
  provenance->creator_tool = xmp_text (xmp, "Xmp.xmp.CreatorTool");
  for (int i = 1; i <= 1000; i++)
    {
      g_autofree char *field = g_strdup_printf ("Xmp.xmpMM.History[%d]/stEvt:", i);
      g_autofree char *action_tag = g_strconcat (field, "action", NULL);
      g_autofree char *action = xmp_text (xmp, action_tag);
      if (action == NULL)
        break;
      g_autofree char *agent_tag = g_strconcat (field, "softwareAgent", NULL);
      g_autofree char *when_tag = g_strconcat (field, "when", NULL);
      g_autofree char *parameters_tag = g_strconcat (field, "parameters", NULL);
      g_autofree char *agent = xmp_text (xmp, agent_tag);
      g_autofree char *when = xmp_text (xmp, when_tag);
      g_autofree char *parameters = xmp_text (xmp, parameters_tag);
      g_ptr_array_add (provenance->history,
                       g_strdup_printf ("%s%s%s%s%s%s%s", action, agent ? " by " : "", agent ? agent : "",
                                        when ? " at " : "", when ? when : "", parameters ? ": " : "",
                                        parameters ? parameters : ""));
    }
}

static void
read_generator_notes (AtelierProvenance *provenance, const AtelierFileMetadata *metadata)
{
  for (guint i = 0; i < metadata->texts->len; i++)
    {
      const AtelierTextChunk *chunk = metadata->texts->pdata[i];
      for (gsize k = 0; k < G_N_ELEMENTS (generator_chunks); k++)
        {
          const GeneratorChunk *known = &generator_chunks[k];
          /* Generic fields count only when they name a generator; a camera's Software field is no claim. */
          if (strcmp (chunk->keyword, known->keyword) != 0 || (known->writer == NULL && !names_a_generator (chunk->text)))
            continue;
          g_autofree char *excerpt = g_utf8_substring (chunk->text, 0, MIN (g_utf8_strlen (chunk->text, -1), NOTE_EXCERPT));
          g_strdelimit (excerpt, "\n\r\t", ' ');
          const gboolean cut = g_utf8_strlen (chunk->text, -1) > NOTE_EXCERPT;
          g_ptr_array_add (provenance->generator_notes,
                           known->writer ? g_strdup_printf ("%s (%s): %s%s", chunk->keyword, known->writer, excerpt, cut ? "…" : "")
                                         : g_strdup_printf ("%s: %s%s", chunk->keyword, excerpt, cut ? "…" : ""));
          break;
        }
    }
}

AtelierProvenance *
atelier_provenance_read_file (const char *path, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no such file", path);
      return NULL;
    }
  g_autoptr (AtelierProvenance) provenance = g_new0 (AtelierProvenance, 1);
  provenance->history = g_ptr_array_new_with_free_func (g_free);
  provenance->generator_notes = g_ptr_array_new_with_free_func (g_free);
  read_xmp (provenance, path);

  g_autoptr (GError) problem = NULL;
  g_autoptr (AtelierFileMetadata) metadata = atelier_file_metadata_read (path, &problem);
  if (metadata == NULL)
    return g_steal_pointer (&provenance); /* not PNG or JPEG: what exiv2 found is all there is */
  read_generator_notes (provenance, metadata);
  provenance->c2pa_problem = g_strdup (metadata->c2pa_problem);
  if (metadata->c2pa != NULL)
    {
      gsize size = 0;
      const guint8 *store = g_bytes_get_data (metadata->c2pa, &size);
      provenance->c2pa = atelier_c2pa_read (store, size, &problem);
      if (provenance->c2pa == NULL)
        provenance->c2pa_problem = g_strdup (problem->message);
    }
  return g_steal_pointer (&provenance);
}

static gboolean
is_trained (const char *uri)
{
  return uri != NULL && (g_str_has_suffix (uri, "/trainedAlgorithmicMedia")
                         || g_str_has_suffix (uri, "/compositeWithTrainedAlgorithmicMedia"));
}

/* The C2PA action that says the most: one with a digital source type, else the first. */
static const AtelierC2paAction *
telling_action (const AtelierC2paManifest *c2pa)
{
  for (guint i = 0; c2pa != NULL && i < c2pa->actions->len; i++)
    {
      const AtelierC2paAction *action = c2pa->actions->pdata[i];
      if (action->digital_source_type != NULL)
        return action;
    }
  return c2pa != NULL && c2pa->actions->len > 0 ? c2pa->actions->pdata[0] : NULL;
}

gboolean
atelier_provenance_claims_generated (const AtelierProvenance *provenance)
{
  const AtelierC2paAction *action = telling_action (provenance->c2pa);
  return is_trained (provenance->digital_source_type) || (action != NULL && is_trained (action->digital_source_type))
         || provenance->generator_notes->len > 0;
}

char *
atelier_provenance_summary (const AtelierProvenance *provenance)
{
  const AtelierC2paAction *action = telling_action (provenance->c2pa);
  const char *meaning = NULL;
  const char *where = NULL;
  if (action != NULL && atelier_digital_source_describe (action->digital_source_type) != NULL)
    {
      meaning = atelier_digital_source_describe (action->digital_source_type);
      where = "C2PA";
    }
  else if (atelier_digital_source_describe (provenance->digital_source_type) != NULL)
    {
      meaning = atelier_digital_source_describe (provenance->digital_source_type);
      where = "XMP";
    }
  if (meaning != NULL && provenance->c2pa != NULL && provenance->c2pa->claim_generator != NULL)
    return g_strdup_printf (atelier_i18n ("The file says: %s (%s, claim generator %s; signature not verified)."), meaning,
                            where, provenance->c2pa->claim_generator);
  if (meaning != NULL)
    return g_strdup_printf (atelier_i18n ("The file says: %s (%s; not verified)."), meaning, where);
  if (provenance->generator_notes->len > 0)
    return g_strdup_printf (atelier_i18n ("The file says: made with an image generator (%s)."),
                            (const char *) provenance->generator_notes->pdata[0]);
  if (provenance->c2pa != NULL)
    return g_strdup_printf (atelier_i18n ("The file carries a C2PA manifest (claim generator %s) that names no digital "
                                          "source type; signature not verified."),
                            provenance->c2pa->claim_generator ? provenance->c2pa->claim_generator : "?");
  return g_strdup (atelier_i18n ("The file says nothing about how it was made."));
}

GStrv
atelier_provenance_lines (const AtelierProvenance *provenance)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  if (provenance->digital_source_type != NULL)
    g_ptr_array_add (lines, g_strdup_printf ("XMP Digital Source Type: %s", provenance->digital_source_type));
  if (provenance->creator_tool != NULL)
    g_ptr_array_add (lines, g_strdup_printf ("XMP creator tool: %s", provenance->creator_tool));
  for (guint i = 0; i < provenance->history->len; i++)
    g_ptr_array_add (lines, g_strdup_printf ("XMP history: %s", (const char *) provenance->history->pdata[i]));
  if (provenance->c2pa != NULL)
    {
      const AtelierC2paManifest *c2pa = provenance->c2pa;
      g_ptr_array_add (lines, g_strdup_printf ("C2PA: %u manifest(s), claim generator %s%s%s (signature not verified)",
                                                   c2pa->n_manifests, c2pa->claim_generator ? c2pa->claim_generator : "?",
                                                   c2pa->title ? ", title " : "", c2pa->title ? c2pa->title : ""));
      for (guint i = 0; i < c2pa->actions->len; i++)
        {
          const AtelierC2paAction *action = c2pa->actions->pdata[i];
          g_ptr_array_add (lines, g_strdup_printf ("C2PA action: %s%s%s%s%s", action->action,
                                                       action->software_agent ? " by " : "",
                                                       action->software_agent ? action->software_agent : "",
                                                       action->digital_source_type ? ", " : "",
                                                       action->digital_source_type ? action->digital_source_type : ""));
        }
      g_ptr_array_add (lines, g_strdup (atelier_i18n ("Editing this file invalidates its C2PA signature.")));
    }
  if (provenance->c2pa_problem != NULL)
    g_ptr_array_add (lines, g_strdup_printf ("C2PA not read: %s", provenance->c2pa_problem));
  for (guint i = 0; i < provenance->generator_notes->len; i++)
    g_ptr_array_add (lines, g_strdup (provenance->generator_notes->pdata[i]));
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}
