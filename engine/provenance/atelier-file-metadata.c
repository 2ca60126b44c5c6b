/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-file-metadata.h"

#include "atelier-jumbf.h"
#include "core/atelier-error.h"

#include <gio/gio.h>
#include <string.h>

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static void
text_chunk_free (gpointer data)
{
  AtelierTextChunk *chunk = data;
  g_free (chunk->keyword);
  g_free (chunk->text);
  g_free (chunk);
}

static void
add_text (AtelierFileMetadata *metadata, const char *keyword, gsize keyword_length, char *utf8)
{
  AtelierTextChunk *chunk = g_new0 (AtelierTextChunk, 1);
  chunk->keyword = g_utf8_make_valid (keyword, keyword_length);
  if (strlen (utf8) > ATELIER_TEXT_CHUNK_MAX)
    utf8[ATELIER_TEXT_CHUNK_MAX] = '\0';
  chunk->text = g_utf8_make_valid (utf8, -1);
  g_free (utf8);
  g_ptr_array_add (metadata->texts, chunk);
}

/* zlib data, inflated to at most ATELIER_TEXT_CHUNK_MAX bytes (a zip bomb stops there); NULL when corrupt. */
static char *
inflate_capped (const guint8 *data, gsize size)
{
  g_autoptr (GZlibDecompressor) inflater = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint8 buffer[16384];
  gsize used = 0;
  while (out->len < ATELIER_TEXT_CHUNK_MAX)
    {
      gsize read = 0, written = 0;
      const GConverterResult result = g_converter_convert (G_CONVERTER (inflater), data + used, size - used, buffer,
                                                           sizeof buffer, G_CONVERTER_INPUT_AT_END, &read, &written,
                                                           NULL);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      used += read;
      g_byte_array_append (out, buffer, (guint) MIN (written, ATELIER_TEXT_CHUNK_MAX - out->len));
      if (result == G_CONVERTER_FINISHED || (read == 0 && written == 0))
        break;
    }
  g_byte_array_append (out, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&out), FALSE);
}

/* tEXt: keyword, zero, Latin-1 text. */
static void
read_text_chunk (AtelierFileMetadata *metadata, const guint8 *data, gsize size)
{
  const guint8 *zero = memchr (data, '\0', size);
  if (zero == NULL)
    return;
  const gsize keyword_length = zero - data;
  char *text = g_convert ((const char *) zero + 1, size - keyword_length - 1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (text != NULL)
    add_text (metadata, (const char *) data, keyword_length, text);
}

/* zTXt: keyword, zero, method (0 = zlib), compressed Latin-1 text. */
static void
read_compressed_text_chunk (AtelierFileMetadata *metadata, const guint8 *data, gsize size)
{
  const guint8 *zero = memchr (data, '\0', size);
  if (zero == NULL || (gsize) (zero - data) + 2 > size || zero[1] != 0)
    return;
  const gsize keyword_length = zero - data;
  g_autofree char *latin1 = inflate_capped (zero + 2, size - keyword_length - 2);
  char *text = latin1 ? g_convert (latin1, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL) : NULL;
  if (text != NULL)
    add_text (metadata, (const char *) data, keyword_length, text);
}

/* iTXt: keyword, zero, compressed flag, method, language tag, zero, translated keyword, zero, UTF-8 text. */
static void
read_international_text_chunk (AtelierFileMetadata *metadata, const guint8 *data, gsize size)
{
  const guint8 *end = data + size;
  const guint8 *zero = memchr (data, '\0', size);
  if (zero == NULL || end - zero < 3)
    return;
  const gboolean compressed = zero[1] != 0;
  const guint8 *language_end = memchr (zero + 3, '\0', end - (zero + 3));
  const guint8 *translated_end = language_end ? memchr (language_end + 1, '\0', end - (language_end + 1)) : NULL;
  if (translated_end == NULL)
    return;
  const guint8 *text = translated_end + 1;
  char *utf8 = compressed ? inflate_capped (text, end - text) : g_strndup ((const char *) text, end - text);
  if (utf8 != NULL)
    add_text (metadata, (const char *) data, zero - data, utf8);
}

static void
set_c2pa (AtelierFileMetadata *metadata, const guint8 *data, gsize size)
{
  if (metadata->c2pa != NULL)
    return; /* the first store counts; C2PA allows one */
  if (size > ATELIER_C2PA_STORE_MAX)
    {
      metadata->c2pa_problem = g_strdup_printf ("the C2PA manifest store is %" G_GSIZE_FORMAT " bytes, more than the "
                                                "%d that are read", size, ATELIER_C2PA_STORE_MAX);
      return;
    }
  metadata->c2pa = g_bytes_new (data, size);
}

static gboolean
parse_png (AtelierFileMetadata *metadata, const guint8 *data, gsize size, GError **error)
{
  gsize offset = sizeof png_signature;
  while (offset + 12 <= size)
    {
      const guint32 length = atelier_read_be32 (data + offset);
      const guint8 *type = data + offset + 4;
      const guint8 *content = data + offset + 8;
      if (length > size - offset - 12)
        {
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                       "a PNG chunk (%.4s) is longer than what is left of the file", (const char *) type);
          return FALSE;
        }
      if (memcmp (type, "tEXt", 4) == 0)
        read_text_chunk (metadata, content, length);
      else if (memcmp (type, "zTXt", 4) == 0)
        read_compressed_text_chunk (metadata, content, length);
      else if (memcmp (type, "iTXt", 4) == 0)
        read_international_text_chunk (metadata, content, length);
      else if (memcmp (type, "caBX", 4) == 0)
        set_c2pa (metadata, content, length);
      else if (memcmp (type, "IEND", 4) == 0)
        break;
      offset += 12 + (gsize) length;
    }
  return TRUE;
}

/* ------------------------------------------------------ EXIF text */

typedef struct
{
  guint16 tag;
  const char *name;
} ExifTextTag;

/* The EXIF text fields where generators and editors name themselves. OpenAI's DALL-E 2 downloads put
 * "Made with OpenAI Labs" in a UserComment and the generation id in a MakerNote, both in the first IFD, where
 * exiv2 does not look. */
static const ExifTextTag exif_text_tags[] = {
  { 270, "Exif.ImageDescription" }, { 305, "Exif.Software" },    { 315, "Exif.Artist" },
  { 37500, "Exif.MakerNote" },      { 37510, "Exif.UserComment" },
};

static guint32
tiff_u32 (const guint8 *p, gboolean big)
{
  return big ? atelier_read_be32 (p) : ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static guint16
tiff_u16 (const guint8 *p, gboolean big)
{
  return big ? (guint16) ((p[0] << 8) | p[1]) : (guint16) ((p[1] << 8) | p[0]);
}

static const char *
exif_tag_name (guint16 tag)
{
  for (gsize i = 0; i < G_N_ELEMENTS (exif_text_tags); i++)
    if (exif_text_tags[i].tag == tag)
      return exif_text_tags[i].name;
  return NULL;
}

/* The text tags of one IFD at @offset of the TIFF block; returns the offset of the EXIF sub-IFD, or 0. */
static guint32
read_ifd_texts (AtelierFileMetadata *metadata, const guint8 *tiff, gsize size, guint32 offset, gboolean big)
{
  guint32 exif_ifd = 0;
  if (offset < 8 || offset > size - 2)
    return 0;
  const guint16 count = tiff_u16 (tiff + offset, big);
  for (guint16 i = 0; i < count && offset + 2 + (gsize) (i + 1) * 12 <= size; i++)
    {
      const guint8 *entry = tiff + offset + 2 + (gsize) i * 12;
      const guint16 tag = tiff_u16 (entry, big), type = tiff_u16 (entry + 2, big);
      const guint32 length = tiff_u32 (entry + 4, big);
      if (tag == 34665 && type == 4)
        exif_ifd = tiff_u32 (entry + 8, big);
      const char *name = exif_tag_name (tag);
      /* ASCII (2) or UNDEFINED (7) bytes, inline when four or fewer. */
      if (name == NULL || (type != 2 && type != 7) || length == 0 || length > ATELIER_TEXT_CHUNK_MAX)
        continue;
      const guint32 at = length <= 4 ? (guint32) (entry + 8 - tiff) : tiff_u32 (entry + 8, big);
      if (at > size || length > size - at)
        continue;
      const guint8 *text = tiff + at;
      gsize text_length = length;
      /* A UserComment should start with an 8-byte character code ("ASCII\0\0\0", "UNICODE\0"), which some
       * writers (OpenAI's among them) leave out. */
      if (tag == 37510 && text_length >= 8
          && (memcmp (text, "ASCII\0\0\0", 8) == 0 || memcmp (text, "UNICODE\0", 8) == 0
              || memcmp (text, "\0\0\0\0\0\0\0\0", 8) == 0))
        {
          text += 8;
          text_length -= 8;
        }
      char *utf8 = g_strndup ((const char *) text, text_length);
      g_strstrip (utf8);
      if (*utf8 != '\0')
        add_text (metadata, name, strlen (name), utf8);
      else
        g_free (utf8);
    }
  return exif_ifd;
}

/* An APP1 "Exif\0\0" segment: a TIFF block. */
static void
read_exif_texts (AtelierFileMetadata *metadata, const guint8 *segment, gsize size)
{
  if (size < 14 || memcmp (segment, "Exif\0\0", 6) != 0)
    return;
  const guint8 *tiff = segment + 6;
  const gsize tiff_size = size - 6;
  const gboolean big = tiff[0] == 'M';
  if ((tiff[0] != 'M' && tiff[0] != 'I') || tiff_u16 (tiff + 2, big) != 42)
    return;
  const guint32 exif_ifd = read_ifd_texts (metadata, tiff, tiff_size, tiff_u32 (tiff + 4, big), big);
  if (exif_ifd != 0)
    read_ifd_texts (metadata, tiff, tiff_size, exif_ifd, big);
}

/* A JUMBF box split over JPEG APP11 segments: each segment repeats the box's header after the common identifier
 * "JP", the box instance number and the packet sequence number (ISO/IEC 19566-5 annex); the first keeps it. */
typedef struct
{
  guint16 instance;
  GByteArray *bytes;
} SplitBox;

static void
split_box_clear (gpointer data)
{
  SplitBox *box = data;
  g_byte_array_unref (box->bytes);
}

static void
collect_app11 (GArray *boxes, const guint8 *segment, gsize size)
{
  if (size < 16 || segment[0] != 'J' || segment[1] != 'P')
    return;
  const guint16 instance = (guint16) ((segment[2] << 8) | segment[3]);
  const guint32 sequence = atelier_read_be32 (segment + 4);
  const guint8 *box = segment + 8;
  const gsize box_size = size - 8;
  gsize header = atelier_read_be32 (box) == 1 ? 16 : 8;
  if (box_size < header)
    return;
  SplitBox *found = NULL;
  for (guint i = 0; i < boxes->len && found == NULL; i++)
    if (g_array_index (boxes, SplitBox, i).instance == instance)
      found = &g_array_index (boxes, SplitBox, i);
  if (found == NULL)
    {
      if (sequence != 1)
        return; /* a continuation whose start is missing */
      const SplitBox fresh = { instance, g_byte_array_new () };
      g_array_append_val (boxes, fresh);
      found = &g_array_index (boxes, SplitBox, boxes->len - 1);
      header = 0;
    }
  if (found->bytes->len + (box_size - header) > ATELIER_C2PA_STORE_MAX)
    return;
  g_byte_array_append (found->bytes, box + header, (guint) (box_size - header));
}

/* The first reassembled superbox labelled "c2pa": the manifest store. */
static void
choose_c2pa_store (AtelierFileMetadata *metadata, GArray *boxes)
{
  for (guint i = 0; i < boxes->len; i++)
    {
      const GByteArray *bytes = g_array_index (boxes, SplitBox, i).bytes;
      gsize offset = 0;
      AtelierJumbfBox box;
      g_autoptr (GError) error = NULL;
      if (!atelier_jumbf_next (bytes->data, bytes->len, &offset, &box, &error))
        continue;
      g_autofree char *label = atelier_jumbf_label (&box, &error);
      if (label != NULL && strcmp (label, "c2pa") == 0)
        {
          set_c2pa (metadata, bytes->data, bytes->len);
          return;
        }
    }
}

static gboolean
parse_jpeg (AtelierFileMetadata *metadata, const guint8 *data, gsize size, GError **error)
{
  g_autoptr (GArray) boxes = g_array_new (FALSE, FALSE, sizeof (SplitBox));
  g_array_set_clear_func (boxes, split_box_clear);
  gsize offset = 2;
  while (offset + 4 <= size)
    {
      if (data[offset] != 0xff)
        {
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "a JPEG segment does not start with a marker");
          return FALSE;
        }
      const guint8 marker = data[offset + 1];
      if (marker == 0xff)
        {
          offset++; /* fill byte */
          continue;
        }
      if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        {
          offset += 2;
          continue;
        }
      /* Metadata comes before the first scan; nothing after it is read. */
      if (marker == 0xda || marker == 0xd9)
        break;
      const gsize length = ((gsize) data[offset + 2] << 8) | data[offset + 3];
      if (length < 2 || length > size - offset - 2)
        {
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                       "a JPEG segment is longer than what is left of the file");
          return FALSE;
        }
      const guint8 *content = data + offset + 4;
      if (marker == 0xeb)
        collect_app11 (boxes, content, length - 2);
      else if (marker == 0xe1)
        read_exif_texts (metadata, content, length - 2);
      else if (marker == 0xfe)
        add_text (metadata, "comment", strlen ("comment"), g_strndup ((const char *) content, length - 2));
      offset += 2 + length;
    }
  choose_c2pa_store (metadata, boxes);
  return TRUE;
}

AtelierFileMetadata *
atelier_file_metadata_parse (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (AtelierFileMetadata) metadata = g_new0 (AtelierFileMetadata, 1);
  metadata->texts = g_ptr_array_new_with_free_func (text_chunk_free);
  gboolean ok;
  if (size >= sizeof png_signature && memcmp (data, png_signature, sizeof png_signature) == 0)
    ok = parse_png (metadata, data, size, error);
  else if (size >= 2 && data[0] == 0xff && data[1] == 0xd8)
    ok = parse_jpeg (metadata, data, size, error);
  else
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED, "neither PNG nor JPEG");
      ok = FALSE;
    }
  return ok ? g_steal_pointer (&metadata) : NULL;
}

AtelierFileMetadata *
atelier_file_metadata_read (const char *path, GError **error)
{
  /* Mapped, not read: a 24-megapixel PNG is walked without copying its image data. */
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  g_autoptr (GError) inner = NULL;
  AtelierFileMetadata *metadata = atelier_file_metadata_parse ((const guint8 *) g_mapped_file_get_contents (file),
                                                               g_mapped_file_get_length (file), &inner);
  if (metadata == NULL)
    g_set_error (error, inner->domain, inner->code, "%s: %s", path, inner->message);
  return metadata;
}

void
atelier_file_metadata_free (AtelierFileMetadata *metadata)
{
  if (metadata == NULL)
    return;
  g_ptr_array_unref (metadata->texts);
  g_clear_pointer (&metadata->c2pa, g_bytes_unref);
  g_free (metadata->c2pa_problem);
  g_free (metadata);
}

const char *
atelier_file_metadata_text (const AtelierFileMetadata *metadata, const char *keyword)
{
  for (guint i = 0; i < metadata->texts->len; i++)
    {
      const AtelierTextChunk *chunk = metadata->texts->pdata[i];
      if (strcmp (chunk->keyword, keyword) == 0)
        return chunk->text;
    }
  return NULL;
}
