/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What a PNG or JPEG file carries beside its pixels that neither libpng's nor
 * exiv2's usual readers hand over: PNG text chunks (where AUTOMATIC1111 writes
 * `parameters` and ComfyUI `prompt` and `workflow`) and the C2PA manifest
 * store (JUMBF in PNG `caBX` chunks and JPEG APP11 segments). The file is
 * walked chunk by chunk without decoding the image; every length read from the
 * file is checked against what is left of it and against fixed caps, so a
 * hostile file costs at most those caps in memory. */

#include <glib.h>

G_BEGIN_DECLS

/* Text chunks longer than this are cut (ComfyUI's workflows run to tens of KB). */
#define ATELIER_TEXT_CHUNK_MAX (1 << 20)
/* A larger manifest store is refused (real ones with thumbnails are well under 1 MB). */
#define ATELIER_C2PA_STORE_MAX (16 << 20)

typedef struct
{
  char *keyword;  /* as in the file: "parameters", "prompt", "Software" */
  char *text;     /* UTF-8 as stored (Latin-1 tEXt converted); cut at ATELIER_TEXT_CHUNK_MAX */
} AtelierTextChunk;

typedef struct
{
  GPtrArray *texts;  /* AtelierTextChunk, in file order */
  GBytes *c2pa;      /* the manifest store's JUMBF superbox, NULL when the file has none */
  char *c2pa_problem; /* why a C2PA store that is there could not be read whole, or NULL */
} AtelierFileMetadata;

/* NULL with @error when the file cannot be read or is neither PNG nor JPEG. */
AtelierFileMetadata *atelier_file_metadata_read (const char *path, GError **error);
/* The same from bytes in memory (the fuzzer's entry). */
AtelierFileMetadata *atelier_file_metadata_parse (const guint8 *data, gsize size, GError **error);
void atelier_file_metadata_free (AtelierFileMetadata *metadata);
/* The text of the first chunk named @keyword, or NULL. */
const char *atelier_file_metadata_text (const AtelierFileMetadata *metadata, const char *keyword);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierFileMetadata, atelier_file_metadata_free)

G_END_DECLS
