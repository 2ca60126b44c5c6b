/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Provenance: what Atelier writes into its outputs and what it reads from a
 * file. References: the C2PA SDK's own sample files (their claims are readable
 * as text in the files, tests/data/c2pa/README.md), generator metadata in
 * ../shared/data/forensics-train as listed in its README, and for writing the
 * XMP packet read back from the PNG's iTXt chunk by our chunk walker. */
#include "atelier-image-io.h"
#include "filters/atelier-filter.h"
#include "provenance/atelier-c2pa.h"
#include "provenance/atelier-file-metadata.h"
#include "provenance/atelier-provenance.h"
#include "test-helpers.h"

#include <string.h>

#define TRAINED "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
#define COMPOSITE_TRAINED "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"

static char *
c2pa_sample (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "c2pa", name, NULL);
}

static const AtelierC2paAction *
action_at (const AtelierProvenance *provenance, guint i)
{
  g_assert_nonnull (provenance->c2pa);
  g_assert_cmpuint (provenance->c2pa->actions->len, >, i);
  return provenance->c2pa->actions->pdata[i];
}

static void
test_c2pa_generated (void)
{
  g_autofree char *path = c2pa_sample ("ocsp.jpg");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierProvenance) provenance = atelier_provenance_read_file (path, &error);
  g_assert_no_error (error);
  /* Two manifests: Firefly created the image, then Photoshop (the active manifest) opened, cropped and edited it. */
  g_assert_cmpuint (provenance->c2pa->n_manifests, ==, 2);
  g_assert_cmpstr (provenance->c2pa->claim_generator, ==, "Adobe_Photoshop/26.9.0 adobe_c2pa/0.14.2 c2pa-rs/0.43.0");
  g_assert_cmpstr (provenance->c2pa->title, ==, "ocsp.jpg");
  g_assert_cmpuint (provenance->c2pa->actions->len, ==, 3);
  g_assert_cmpstr (action_at (provenance, 0)->action, ==, "c2pa.opened");
  g_assert_cmpstr (action_at (provenance, 0)->digital_source_type, ==, COMPOSITE_TRAINED);
  g_assert_cmpstr (action_at (provenance, 1)->action, ==, "c2pa.cropped");
  g_assert_cmpstr (action_at (provenance, 2)->action, ==, "c2pa.edited");
  g_assert_cmpstr (action_at (provenance, 2)->software_agent, ==, "Adobe Firefly");
  g_assert_true (atelier_provenance_claims_generated (provenance));
  g_autofree char *summary = atelier_provenance_summary (provenance);
  g_assert_nonnull (strstr (summary, "includes output of a trained model"));
  g_assert_nonnull (strstr (summary, "Adobe_Photoshop"));
  g_assert_nonnull (strstr (summary, "not verified"));
  g_auto (GStrv) lines = atelier_provenance_lines (provenance);
  g_autofree char *all = g_strjoinv ("\n", lines);
  g_assert_nonnull (strstr (all, "invalidates its C2PA signature"));
}

static void
test_c2pa_created_algorithmically (void)
{
  g_autofree char *path = c2pa_sample ("C.jpg");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierProvenance) provenance = atelier_provenance_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (provenance->c2pa->n_manifests, ==, 1);
  g_assert_cmpstr (provenance->c2pa->claim_generator, ==, "make_test_images/0.33.1 c2pa-rs/0.33.1");
  g_assert_cmpstr (action_at (provenance, 0)->software_agent, ==, "Make Test Images 0.33.1");
  g_assert_cmpstr (action_at (provenance, 0)->digital_source_type, ==,
                   "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia");
  /* Algorithmic media without training (a drawn gradient) is no claim of generative AI. */
  g_assert_false (atelier_provenance_claims_generated (provenance));
}

static void
test_c2pa_edited (void)
{
  g_autofree char *path = c2pa_sample ("CA.jpg");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierProvenance) provenance = atelier_provenance_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (provenance->c2pa->actions->len, ==, 2);
  g_assert_cmpstr (action_at (provenance, 0)->action, ==, "c2pa.opened");
  g_assert_cmpstr (action_at (provenance, 1)->action, ==, "c2pa.color_adjustments");
  g_assert_null (action_at (provenance, 1)->digital_source_type);
  g_assert_false (atelier_provenance_claims_generated (provenance));
  g_autofree char *summary = atelier_provenance_summary (provenance);
  g_assert_nonnull (strstr (summary, "names no digital source type"));
}

static char *
forensics_file (const char *relative)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "data", "forensics-train",
                                                 relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return g_steal_pointer (&path);
}

static void
test_generator_metadata (void)
{
  g_autofree char *comfy = forensics_file ("fake/sdxl/sdxl_simple_example.png");
  g_autofree char *dalle = forensics_file ("fake/dalle2/court-jester-cyberpunk-playing-card-61722276_dal2-4.jpg");
  g_autofree char *camera = forensics_file ("real/dresden-nikon");
  if (comfy == NULL || dalle == NULL || camera == NULL)
    {
      g_test_skip ("../shared/data/forensics-train is not here");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierProvenance) from_comfy = atelier_provenance_read_file (comfy, &error);
  g_assert_no_error (error);
  g_assert_true (atelier_provenance_claims_generated (from_comfy));
  g_assert_true (g_str_has_prefix (from_comfy->generator_notes->pdata[0], "prompt (ComfyUI): "));
  g_assert_nonnull (strstr (from_comfy->generator_notes->pdata[0], "sd_xl_base_1.0.safetensors"));

  g_autoptr (AtelierProvenance) from_dalle = atelier_provenance_read_file (dalle, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = atelier_provenance_lines (from_dalle);
  g_autofree char *all = g_strjoinv ("\n", lines);
  g_assert_nonnull (strstr (all, "Exif.UserComment: Made with OpenAI Labs"));
  g_assert_true (atelier_provenance_claims_generated (from_dalle));

  /* A camera original names its camera, not a generator. */
  g_autoptr (GDir) dir = g_dir_open (camera, 0, &error);
  g_assert_no_error (error);
  const char *name;
  int n = 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (camera, name, NULL);
      g_autoptr (AtelierProvenance) photo = atelier_provenance_read_file (path, &error);
      g_assert_no_error (error);
      g_assert_false (atelier_provenance_claims_generated (photo));
      g_autofree char *summary = atelier_provenance_summary (photo);
      g_assert_cmpstr (summary, ==, "The file says nothing about how it was made.");
      n++;
    }
  g_assert_cmpint (n, >, 0);
}

/* A small image file at @path, with an EXIF camera make when @make is set. */
static void
write_photo (const char *path, const char *make)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) pixels = atelier_tensor_new (4, (int64_t[]) { 1, 3, 16, 24 }, &error);
  g_assert_no_error (error);
  for (int64_t i = 0; i < atelier_tensor_numel (pixels); i++)
    pixels->data[i] = (float) (i % 7) / 7.0f;
  g_autoptr (AtelierImage) image = atelier_image_new (g_steal_pointer (&pixels), 8);
  g_assert_true (atelier_image_save (image, path, 8, 90, &error));
  if (make != NULL)
    test_set_metadata_tag (path, "Exif.Image.Make", make);
}

static void
test_write_keeps_exif_and_appends_history (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = g_build_filename (dir, "in.jpg", NULL);
  g_autofree char *output = g_build_filename (dir, "out.jpg", NULL);
  g_autofree char *again = g_build_filename (dir, "again.jpg", NULL);
  write_photo (input, "TestCam");
  write_photo (output, NULL);
  write_photo (again, NULL);
  g_autoptr (GError) error = NULL;
  const AtelierProvenanceEvent inpaint = { ATELIER_SOURCE_COMPOSITE_TRAINED, "edited", "inpaint: steps 20, seed 3",
                                          NULL };
  g_assert_true (atelier_provenance_write_file (input, output, 24, 16, &inpaint, &error));
  g_assert_no_error (error);
  g_autofree char *make = test_metadata_tag (output, "Exif.Image.Make");
  g_autofree char *source = test_metadata_tag (output, "Xmp.iptcExt.DigitalSourceType");
  g_autofree char *action = test_metadata_tag (output, "Xmp.xmpMM.History[1]/stEvt:action");
  g_autofree char *agent = test_metadata_tag (output, "Xmp.xmpMM.History[1]/stEvt:softwareAgent");
  g_autofree char *parameters = test_metadata_tag (output, "Xmp.xmpMM.History[1]/stEvt:parameters");
  g_assert_cmpstr (make, ==, "TestCam");
  g_assert_cmpstr (source, ==, COMPOSITE_TRAINED);
  g_assert_cmpstr (action, ==, "edited");
  g_assert_cmpstr (agent, ==, "Atelier " ATELIER_VERSION);
  g_assert_cmpstr (parameters, ==, "inpaint: steps 20, seed 3");

  /* A second run is a second event; its source type replaces the first. */
  g_autoptr (GDateTime) fixed = g_date_time_new_from_unix_utc (1700000000);
  const AtelierProvenanceEvent upscale = { ATELIER_SOURCE_ALGORITHMICALLY_ENHANCED, "edited", "upscale: scale 2", fixed };
  g_assert_true (atelier_provenance_write_file (output, again, 48, 32, &upscale, &error));
  g_autofree char *first = test_metadata_tag (again, "Xmp.xmpMM.History[1]/stEvt:parameters");
  g_autofree char *second = test_metadata_tag (again, "Xmp.xmpMM.History[2]/stEvt:parameters");
  g_assert_cmpstr (first, ==, "inpaint: steps 20, seed 3");
  g_assert_cmpstr (second, ==, "upscale: scale 2");
  g_autofree char *when = test_metadata_tag (again, "Xmp.xmpMM.History[2]/stEvt:when");
  g_assert_cmpstr (when, ==, "2023-11-14T22:13:20Z");

  /* Read back through the reader as a checker of a file would. */
  g_autoptr (AtelierProvenance) provenance = atelier_provenance_read_file (again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (provenance->history->len, ==, 2);
  g_assert_cmpstr (provenance->creator_tool, ==, "Atelier " ATELIER_VERSION);
  test_remove_dir (dir);
}

/* In a PNG the XMP packet is an iTXt chunk "XML:com.adobe.xmp", which our own chunk walker reads: an independent
 * look at what exiv2 wrote. */
static void
test_write_png_itxt (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  write_photo (output, NULL);
  g_autoptr (GError) error = NULL;
  const AtelierProvenanceEvent generated = { ATELIER_SOURCE_TRAINED, "created", "sample: style wood, seed 1", NULL };
  g_assert_true (atelier_provenance_write_file (NULL, output, 24, 16, &generated, &error));
  g_autoptr (AtelierFileMetadata) metadata = atelier_file_metadata_read (output, &error);
  g_assert_no_error (error);
  const char *xmp = atelier_file_metadata_text (metadata, "XML:com.adobe.xmp");
  g_assert_nonnull (xmp);
  g_assert_nonnull (strstr (xmp, TRAINED));
  g_assert_nonnull (strstr (xmp, "sample: style wood, seed 1"));
  /* The pixels are the same after the metadata was written. */
  g_autoptr (AtelierImage) image = atelier_image_load (output, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (image->pixels->data[1], 1.0f / 7.0f, 0.5f / 255.0f);
  test_remove_dir (dir);
}

/* ------------------------------------------------------ hostile input */

static GBytes *
jumbf_superbox (const char *label, const guint8 *content, gsize content_size)
{
  g_autoptr (GByteArray) box = g_byte_array_new ();
  const gsize label_size = strlen (label) + 1;
  const guint32 description_size = 8 + 16 + 1 + (guint32) label_size;
  const guint32 size = 8 + description_size + (guint32) content_size;
  const guint8 header[8] = { size >> 24, size >> 16, size >> 8, size, 'j', 'u', 'm', 'b' };
  const guint8 description[8] = { description_size >> 24, description_size >> 16, description_size >> 8,
                                  description_size, 'j', 'u', 'm', 'd' };
  const guint8 uuid_and_toggles[17] = { [16] = 0x03 };
  g_byte_array_append (box, header, 8);
  g_byte_array_append (box, description, 8);
  g_byte_array_append (box, uuid_and_toggles, 17);
  g_byte_array_append (box, (const guint8 *) label, (guint) label_size);
  g_byte_array_append (box, content, (guint) content_size);
  return g_byte_array_free_to_bytes (g_steal_pointer (&box));
}

static GBytes *
cbor_box (const guint8 *cbor, gsize size)
{
  g_autoptr (GByteArray) box = g_byte_array_new ();
  const guint32 length = 8 + (guint32) size;
  const guint8 header[8] = { length >> 24, length >> 16, length >> 8, length, 'c', 'b', 'o', 'r' };
  g_byte_array_append (box, header, 8);
  g_byte_array_append (box, cbor, (guint) size);
  return g_byte_array_free_to_bytes (g_steal_pointer (&box));
}

/* A store whose one manifest's claim is @cbor. */
static GBytes *
store_with_claim (const guint8 *cbor, gsize size)
{
  g_autoptr (GBytes) content = cbor_box (cbor, size);
  g_autoptr (GBytes) claim = jumbf_superbox ("c2pa.claim", g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  g_autoptr (GBytes) manifest = jumbf_superbox ("urn:uuid:test", g_bytes_get_data (claim, NULL), g_bytes_get_size (claim));
  return jumbf_superbox ("c2pa", g_bytes_get_data (manifest, NULL), g_bytes_get_size (manifest));
}

static void
test_hostile_cbor (void)
{
  /* A well-formed claim first, so the failures below are the hostile parts' doing. */
  const guint8 good[] = { 0xa1, 0x6f, 'c', 'l', 'a', 'i', 'm', '_', 'g', 'e', 'n', 'e', 'r', 'a', 't', 'o', 'r',
                          0x61, 'X' };
  g_autoptr (GBytes) store = store_with_claim (good, sizeof good);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierC2paManifest) manifest = atelier_c2pa_read (g_bytes_get_data (store, NULL),
                                                                g_bytes_get_size (store), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (manifest->claim_generator, ==, "X");

  /* An array that declares four billion items in five bytes: refused before anything is allocated for it. */
  const guint8 huge_array[] = { 0x9a, 0xff, 0xff, 0xff, 0xff, 0x01 };
  g_autoptr (GBytes) hostile = store_with_claim (huge_array, sizeof huge_array);
  g_autoptr (AtelierC2paManifest) refused = atelier_c2pa_read (g_bytes_get_data (hostile, NULL),
                                                               g_bytes_get_size (hostile), &error);
  g_assert_null (refused);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A box longer than its container. */
  g_autoptr (GByteArray) cut = g_byte_array_new ();
  g_byte_array_append (cut, g_bytes_get_data (store, NULL), (guint) g_bytes_get_size (store) - 3);
  g_autoptr (AtelierC2paManifest) truncated = atelier_c2pa_read (cut->data, cut->len, &error);
  g_assert_null (truncated);
  g_assert_nonnull (strstr (error->message, "longer than its container"));
}

static void
test_png_chunks (void)
{
  /* A PNG signature, a tEXt chunk, an iTXt chunk compressed with zlib and a chunk that claims more bytes than the
   * file has. CRCs are not checked: metadata is read, not validated. */
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 12, 't', 'E', 'X', 't', 'S', 'o', 'f', 't', 'w', 'a', 'r', 'e', 0, 'G', 'I', 'M', 0, 0, 0, 0,
    0, 0, 0, 23, 'i', 'T', 'X', 't', 'p', 'r', 'o', 'm', 'p', 't', 0, 1, 0, 0, 0,
    0x78, 0x9c, 0x2b, 0x49, 0x2d, 0x2e, 0x01, 0x00, 0x04, 0x5d, 0x01, 0xc1, 0, 0, 0, 0,
    0x7f, 0, 0, 0, 'c', 'a', 'B', 'X', 0, 0, 0, 0,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFileMetadata) metadata = atelier_file_metadata_parse (png, sizeof png, &error);
  g_assert_null (metadata);
  g_assert_nonnull (strstr (error->message, "longer than what is left"));
  g_clear_error (&error);
  /* Without the lying chunk, the texts are read, the compressed one inflated ("test"). */
  g_autoptr (AtelierFileMetadata) good = atelier_file_metadata_parse (png, sizeof png - 12, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (atelier_file_metadata_text (good, "Software"), ==, "GIM");
  g_assert_cmpstr (atelier_file_metadata_text (good, "prompt"), ==, "test");
}

/* Every filter whose result is an image says what kind of image: a new filter cannot forget its label. */
static void
test_every_image_filter_has_a_source_type (void)
{
  int count = 0;
  const AtelierFilterInfo *const *filters = atelier_filters (&count);
  for (int i = 0; i < count; i++)
    {
      const gboolean makes_image = filters[i]->output == ATELIER_OUTPUT_REPLACE
                                   || filters[i]->output == ATELIER_OUTPUT_NEW_LAYER
                                   || filters[i]->output == ATELIER_OUTPUT_LAYERS;
      g_test_message ("%s: %s", filters[i]->name, atelier_digital_source_uri (filters[i]->digital_source));
      g_assert_true (!makes_image || atelier_digital_source_uri (filters[i]->digital_source) != NULL);
      g_assert_true (makes_image || filters[i]->digital_source == ATELIER_SOURCE_NONE);
    }
  g_assert_cmpint (count, >=, 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/provenance/c2pa/generated", test_c2pa_generated);
  g_test_add_func ("/provenance/c2pa/created-algorithmically", test_c2pa_created_algorithmically);
  g_test_add_func ("/provenance/c2pa/edited", test_c2pa_edited);
  g_test_add_func ("/provenance/read/generator-metadata", test_generator_metadata);
  g_test_add_func ("/provenance/write/keeps-exif-and-appends-history", test_write_keeps_exif_and_appends_history);
  g_test_add_func ("/provenance/write/png-itxt", test_write_png_itxt);
  g_test_add_func ("/provenance/hostile/cbor", test_hostile_cbor);
  g_test_add_func ("/provenance/hostile/png-chunks", test_png_chunks);
  g_test_add_func ("/provenance/filters/every-image-filter-has-a-source-type", test_every_image_filter_has_a_source_type);
  return g_test_run ();
}
