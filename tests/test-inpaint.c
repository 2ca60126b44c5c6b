/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inpainting must not depend on what lies under the selection: the object a user removes may not leak into
 * its replacement. Every test fills the same photograph-like image and selection with the original, black,
 * white and noise under the selection and asserts the results bit-identical, through the whole pipeline
 * (push-pull pre-fill, reduction to the working size, encoder, sampler, decoder, seam correction, blend). */
#include "test-helpers.h"

#include "pipelines/atelier-inpaint-regions.h"

#include <math.h>
#include <string.h>

typedef enum
{
  UNDER_ORIGINAL,
  UNDER_BLACK,
  UNDER_WHITE,
  UNDER_NOISE,
  UNDER_COUNT
} UnderSelection;

static const char *const under_names[UNDER_COUNT] = { "original", "black", "white", "noise" };

/* (1, C, h, w): smooth ramps and a bright disc in the colour planes (a structure the reduction and the
 * encoder carry), uniform noise on top; a fourth plane, if any, is an alpha ramp from 0.2 to 1. */
static AtelierTensor *
test_image (int64_t channels, int64_t h, int64_t w)
{
  AtelierTensor *image = test_random_4d (1, channels, h, w);
  for (int64_t c = 0; c < channels; c++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          float *v = &image->data[(c * h + y) * w + x];
          const gboolean disc = (y - h / 2) * (y - h / 2) + (x - w / 2) * (x - w / 2) < h * h / 16;
          *v = c == 3 ? 0.2f + 0.8f * (float) x / (float) (w - 1)
                      : 0.2f + 0.3f * (float) ((c + 1) * y) / (float) (3 * h) + (disc ? 0.4f : 0.0f) + 0.05f * *v;
        }
  return image;
}

/* A copy of @image with @planes of its first planes replaced by @under wherever @selection is above 0. */
static AtelierTensor *
with_under_selection (const AtelierTensor *image, const AtelierTensor *selection, int64_t planes,
                      UnderSelection under)
{
  g_autoptr (GError) error = NULL;
  AtelierTensor *out = atelier_tensor_copy (image, &error);
  g_assert_no_error (error);
  const int64_t plane = image->shape[2] * image->shape[3];
  for (int64_t c = 0; c < planes; c++)
    for (int64_t i = 0; i < plane; i++)
      if (selection->data[i] > 0.0f && under != UNDER_ORIGINAL)
        out->data[c * plane + i] = under == UNDER_BLACK ? 0.0f
                                   : under == UNDER_WHITE ? 1.0f
                                                          : (float) g_test_rand_double_range (0.0, 1.0);
  return out;
}

/* A box whose edges fall inside latent cells (not on multiples of 8); @feather > 0 ramps it down to 0
 * over that many pixels outside the box, in 8-bit steps as a selection read from GIMP holds them. */
static AtelierTensor *
test_selection (int64_t h, int64_t w, int64_t top, int64_t left, int64_t bottom, int64_t right, int feather)
{
  AtelierTensor *selection = atelier_tensor_new_4d (1, 1, h, w, NULL);
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      {
        const int64_t distance = MAX (MAX (top - y, y - bottom), MAX (left - x, x - right));
        if (distance <= 0)
          selection->data[y * w + x] = 1.0f;
        else if (distance <= feather)
          selection->data[y * w + x] = roundf (255.0f * (float) (feather + 1 - distance) / (float) (feather + 1))
                                       / 255.0f;
      }
  return selection;
}

static AtelierLatentDiffusion *
open_model (void)
{
  g_autoptr (GError) error = NULL;
  AtelierLatentDiffusion *ld = atelier_latent_diffusion_open (ATELIER_LATENT_DIFFUSION_DEFAULT_UNET,
                                                              ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER, &error);
  g_assert_no_error (error);
  return ld;
}

static AtelierTensor *
inpaint (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
         const AtelierTensor *selection, int working_side)
{
  g_autoptr (GError) error = NULL;
  AtelierLatentDiffusionOptions options = atelier_latent_diffusion_options_default ();
  options.sampler.steps = 3;
  options.working_side = working_side;
  AtelierTensor *out = atelier_latent_diffusion_inpaint (ctx, ld, image, selection, &options, &error);
  g_assert_no_error (error);
  return out;
}

static void
assert_identical (const AtelierTensor *a, const AtelierTensor *b, int64_t planes, const char *what)
{
  const int64_t plane = a->shape[2] * a->shape[3];
  int64_t differing = 0;
  for (int64_t i = 0; i < planes * plane; i++)
    differing += memcmp (&a->data[i], &b->data[i], sizeof (float)) != 0;
  if (differing > 0)
    g_test_message ("%s: %" G_GINT64_FORMAT " values differ, largest by %g", what, differing, test_max_abs_diff (a, b));
  g_assert_cmpint (differing, ==, 0);
}

/* Unselected pixels come out as the input's, bit for bit. */
static void
assert_unselected_kept (const AtelierTensor *out, const AtelierTensor *image, const AtelierTensor *selection,
                        int channels)
{
  const int64_t plane = image->shape[2] * image->shape[3];
  for (int64_t c = 0; c < channels; c++)
    for (int64_t i = 0; i < plane; i++)
      if (selection->data[i] == 0.0f)
        g_assert_cmpfloat (out->data[c * plane + i], ==, image->data[c * plane + i]);
}

/* A hard-edged box reduced to the working size (64: the 72x100 region is made 48x64, so the resize
 * kernel straddles the hole's edge) or diffused at its own size (512). */
static void
test_hard_box (gconstpointer data)
{
  const int working_side = GPOINTER_TO_INT (data);
  g_autoptr (AtelierLatentDiffusion) ld = open_model ();
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 72, 100);
  g_autoptr (AtelierTensor) selection = test_selection (72, 100, 21, 35, 46, 66, 0);
  g_autoptr (AtelierTensor) reference = inpaint (ctx, ld, image, selection, working_side);
  assert_unselected_kept (reference, image, selection, 3);
  g_assert_cmpfloat (test_max_abs_diff (reference, image), >, 0.05f);
  for (int under = UNDER_BLACK; under < UNDER_COUNT; under++)
    {
      g_autoptr (AtelierTensor) hidden = with_under_selection (image, selection, 3, under);
      g_autoptr (AtelierTensor) out = inpaint (ctx, ld, hidden, selection, working_side);
      assert_identical (out, reference, 3, under_names[under]);
    }
}

/* A feathered selection in 8-bit steps: the fill reads no pixel whose selection is above 0 (above
 * ATELIER_SELECTED_THRESHOLD, half a step), so fully selected pixels come out identical and a partly
 * selected one blends its own value with that same fill, (1 - m) v + m fill. */
static void
test_soft_edge (void)
{
  g_autoptr (AtelierLatentDiffusion) ld = open_model ();
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 72, 100);
  g_autoptr (AtelierTensor) selection = test_selection (72, 100, 25, 38, 44, 61, 6);
  g_autoptr (AtelierTensor) reference = inpaint (ctx, ld, image, selection, 512);
  assert_unselected_kept (reference, image, selection, 3);
  const int64_t plane = 72 * 100;
  for (int under = UNDER_BLACK; under < UNDER_COUNT; under++)
    {
      g_autoptr (AtelierTensor) hidden = with_under_selection (image, selection, 3, under);
      g_autoptr (AtelierTensor) out = inpaint (ctx, ld, hidden, selection, 512);
      float largest = 0.0f;
      for (int64_t c = 0; c < 3; c++)
        for (int64_t i = 0; i < plane; i++)
          {
            const float m = selection->data[i], got = out->data[c * plane + i], want = reference->data[c * plane + i];
            if (m == 0.0f || m == 1.0f)
              g_assert_cmpfloat (got, ==, want);
            else
              {
                const float own = (1.0f - m) * hidden->data[c * plane + i];
                const float reference_own = (1.0f - m) * image->data[c * plane + i];
                largest = MAX (largest, fabsf ((got - own) - (want - reference_own)));
              }
          }
      g_test_message ("%s: partly selected pixels' m fill differs by at most %g", under_names[under], largest);
      g_assert_cmpfloat (largest, <, 1e-6f); /* the blend's rounding: a few float steps of 1 */
    }
}

/* The filter on an RGBA layer: colour under the selection does not reach the new layer's colour, whose alpha is
 * the selection times the layer's. Alpha under the selection does not reach the colour either. */
static AtelierTensor *
inpaint_layer (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
               const AtelierTensor *image, const AtelierTensor *selection)
{
  g_autoptr (GError) error = NULL;
  const AtelierFilterInput in = { image, selection, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out->pixels);
}

static void
test_rgba_filter (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("inpaint"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_assert_true (atelier_filter_values_set (values, "steps", 3, &error));
  g_assert_true (atelier_filter_values_set (values, "working-size", 128, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (4, 72, 100);
  g_autoptr (AtelierTensor) selection = test_selection (72, 100, 20, 30, 49, 70, 3);
  g_autoptr (AtelierTensor) reference = inpaint_layer (filter, ctx, values, image, selection);
  assert_unselected_kept (reference, image, selection, 3);
  for (int under = UNDER_BLACK; under < UNDER_COUNT; under++)
    {
      g_autoptr (AtelierTensor) selected_only = test_selection (72, 100, 20, 30, 49, 70, 0);
      g_autoptr (AtelierTensor) colour_hidden = with_under_selection (image, selected_only, 3, under);
      g_autoptr (AtelierTensor) out = inpaint_layer (filter, ctx, values, colour_hidden, selection);
      assert_identical (out, reference, 4, under_names[under]);
      g_autoptr (AtelierTensor) all_hidden = with_under_selection (image, selected_only, 4, under);
      g_autoptr (AtelierTensor) out_all = inpaint_layer (filter, ctx, values, all_hidden, selection);
      assert_identical (out_all, reference, 3, under_names[under]);
    }
}

/* ---------------------------------------------------------------- regions at their own scale */

static AtelierTensor *
inpaint_regions_enlarged (AtelierContext *ctx, const AtelierLatentDiffusion *ld,
                          const AtelierRdn *const enlargers[ATELIER_INPAINT_ENLARGERS], const AtelierTensor *image,
                          const AtelierTensor *selection, int working_side, int expected_regions)
{
  g_autoptr (GError) error = NULL;
  AtelierInpaintRegionsOptions options = { atelier_latent_diffusion_options_default (), { NULL },
                                           ATELIER_INPAINT_FILL_DIFFUSION, 0 };
  memcpy (options.enlargers, enlargers, sizeof options.enlargers);
  options.diffusion.sampler.steps = 3;
  options.diffusion.working_side = working_side;
  int counts[4] = { 0 };
  AtelierTensor *out = atelier_inpaint_regions (ctx, ld, image, selection, &options, counts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (counts[ATELIER_INPAINT_FILL_DIFFUSION], ==, expected_regions);
  g_assert_cmpint (counts[ATELIER_INPAINT_FILL_MEMBRANE], ==, 0);
  return out;
}

static AtelierTensor *
inpaint_regions (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierRdn *enlarger,
                 const AtelierTensor *image, const AtelierTensor *selection, int working_side, int expected_regions)
{
  const AtelierRdn *const enlargers[ATELIER_INPAINT_ENLARGERS] = { enlarger };
  return inpaint_regions_enlarged (ctx, ld, enlargers, image, selection, working_side, expected_regions);
}

/* @selection with a (soft-edged) box added: max of the two. */
static void
add_box (AtelierTensor *selection, int64_t top, int64_t left, int64_t bottom, int64_t right, int feather)
{
  g_autoptr (AtelierTensor) box = test_selection (selection->shape[2], selection->shape[3], top, left, bottom, right,
                                                  feather);
  for (int64_t i = 0; i < atelier_tensor_numel (selection); i++)
    selection->data[i] = MAX (selection->data[i], box->data[i]);
}

/* Two 20-pixel blemishes far apart on a 480x640 image, with a working side (128) far below the image's: each
 * is filled on its own 60x60 window at full resolution, exactly as the single-region pipeline fills that
 * window cut out on its own (the reference), and nothing else of the image changes, bit for bit. */
static void
test_small_regions_full_resolution (void)
{
  g_autoptr (AtelierLatentDiffusion) ld = open_model ();
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 480, 640);
  g_autoptr (AtelierTensor) selection = test_selection (480, 640, 100, 120, 119, 139, 0);
  add_box (selection, 400, 500, 419, 519, 2);
  g_autoptr (AtelierTensor) out = inpaint_regions (ctx, ld, NULL, image, selection, 128, 2);
  assert_unselected_kept (out, image, selection, 3);
  g_assert_cmpfloat (test_max_abs_diff (out, image), >, 0.05f);
  /* The first blemish's window: its 20x20 box grown by 32 (the automatic context's least). */
  const int64_t at[4] = { 68, 88, 84, 84 };
  g_autoptr (AtelierTensor) window = atelier_tensor_crop (image, at[0], at[1], at[2], at[3], NULL);
  g_autoptr (AtelierTensor) window_mask = atelier_tensor_crop (selection, at[0], at[1], at[2], at[3], NULL);
  g_autoptr (AtelierTensor) reference = inpaint (ctx, ld, window, window_mask, 128);
  g_autoptr (AtelierTensor) got = atelier_tensor_crop (out, at[0], at[1], at[2], at[3], NULL);
  assert_identical (got, reference, 3, "first blemish's window");
  /* What lies under either blemish (the fully selected pixels; partly selected ones blend their own value in)
   * reaches neither fill. */
  g_autoptr (AtelierTensor) selected_only = test_selection (480, 640, 100, 120, 119, 139, 0);
  add_box (selected_only, 400, 500, 419, 519, 0);
  g_autoptr (AtelierTensor) hidden = with_under_selection (image, selected_only, 3, UNDER_NOISE);
  g_autoptr (AtelierTensor) out_hidden = inpaint_regions (ctx, ld, NULL, hidden, selection, 128, 2);
  assert_identical (out_hidden, out, 3, "noise under both blemishes");
}

/* Two boxes whose windows overlap are one region, filled once. */
static void
test_overlapping_windows_merge (void)
{
  g_autoptr (AtelierLatentDiffusion) ld = open_model ();
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 160, 200);
  g_autoptr (AtelierTensor) selection = test_selection (160, 200, 60, 60, 75, 75, 0);
  add_box (selection, 70, 120, 85, 135, 0);
  g_autoptr (AtelierTensor) out = inpaint_regions (ctx, ld, NULL, image, selection, 256, 1);
  assert_unselected_kept (out, image, selection, 3);
}

/* A hole whose window (about 300x370) exceeds the working side (128) is filled reduced and enlarged by the
 * super-resolution network; the result still keeps every unselected pixel and ignores what lies under the
 * hole, through the area reduction, the network and the fit to the full-resolution border. */
static void
test_large_region_enlarged (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierLatentDiffusion) ld = open_model ();
  g_autoptr (AtelierRdn) enlarger = atelier_rdn_open ("slim", 4, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 320, 400);
  g_autoptr (AtelierTensor) selection = test_selection (320, 400, 110, 150, 209, 269, 4);
  g_autoptr (AtelierTensor) out = inpaint_regions (ctx, ld, enlarger, image, selection, 128, 1);
  assert_unselected_kept (out, image, selection, 3);
  g_assert_cmpfloat (test_max_abs_diff (out, image), >, 0.05f);
  for (int under = UNDER_BLACK; under < UNDER_COUNT; under++)
    {
      g_autoptr (AtelierTensor) selected_only = test_selection (320, 400, 110, 150, 209, 269, 0);
      g_autoptr (AtelierTensor) hidden = with_under_selection (image, selected_only, 3, under);
      g_autoptr (AtelierTensor) out_hidden = inpaint_regions (ctx, ld, enlarger, hidden, selection, 128, 1);
      g_autoptr (AtelierTensor) reference = atelier_tensor_copy (out, NULL);
      /* Partly selected pixels blend their own (changed) value in; compare the fill part alone there. */
      const int64_t plane = 320 * 400;
      for (int64_t c = 0; c < 3; c++)
        for (int64_t i = 0; i < plane; i++)
          if (selection->data[i] > 0.0f && selection->data[i] < 1.0f)
            {
              const float m = selection->data[i];
              g_assert_cmpfloat (fabsf ((out_hidden->data[c * plane + i] - (1.0f - m) * hidden->data[c * plane + i])
                                        - (out->data[c * plane + i] - (1.0f - m) * image->data[c * plane + i])),
                                 <, 1e-6f);
              out_hidden->data[c * plane + i] = reference->data[c * plane + i];
            }
      assert_identical (out_hidden, reference, 3, under_names[under]);
    }
}

/* "auto" fills a thin region (a 3-pixel line: thickness 4 by the distance to the border) with the membrane and
 * a thick one with ATELIER_INPAINT_FILL_AUTO_LARGE; the membrane is the harmonic interpolation of the border, checked against a
 * plain Jacobi solve of Laplace's equation with the unselected pixels fixed. */
/* The fill of that window (382x320, reduced to 96, three quarters of the working side, by 4.0) is enlarged by the
 * network of the smallest scale that reaches the reduction, whatever the order it is given in: x4 of x2, x3, x4
 * and x8, bit for bit what x4 alone gives, and not what x8 gives. With x2 and x3 alone it is reduced no further
 * than x3 restores (to 128, the working side) and enlarged by x3. */
static void
test_large_region_enlarger_choice (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierLatentDiffusion) ld = open_model ();
  g_autoptr (AtelierRdn) x2 = atelier_rdn_open ("slim", 2, &error);
  g_autoptr (AtelierRdn) x3 = x2 ? atelier_rdn_open ("slim", 3, &error) : NULL;
  g_autoptr (AtelierRdn) x4 = x3 ? atelier_rdn_open ("slim", 4, &error) : NULL;
  g_autoptr (AtelierRdn) x8 = x4 ? atelier_rdn_open ("slim", 8, &error) : NULL;
  g_assert_no_error (error);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 320, 400);
  g_autoptr (AtelierTensor) selection = test_selection (320, 400, 110, 150, 209, 269, 4);
  const AtelierRdn *const all[ATELIER_INPAINT_ENLARGERS] = { x8, x3, x2, x4 };
  const AtelierRdn *const short_of_it[ATELIER_INPAINT_ENLARGERS] = { x2, NULL, x3, NULL };
  g_autoptr (AtelierTensor) chosen = inpaint_regions_enlarged (ctx, ld, all, image, selection, 128, 1);
  g_autoptr (AtelierTensor) by_x4 = inpaint_regions (ctx, ld, x4, image, selection, 128, 1);
  g_autoptr (AtelierTensor) by_x8 = inpaint_regions (ctx, ld, x8, image, selection, 128, 1);
  g_autoptr (AtelierTensor) largest = inpaint_regions_enlarged (ctx, ld, short_of_it, image, selection, 128, 1);
  g_autoptr (AtelierTensor) by_x3 = inpaint_regions (ctx, ld, x3, image, selection, 128, 1);
  assert_identical (chosen, by_x4, 3, "x2, x3, x4, x8 against x4");
  g_assert_cmpfloat (test_max_abs_diff (chosen, by_x8), >, 1e-3f);
  assert_identical (largest, by_x3, 3, "x2 and x3 against x3");
  g_assert_cmpfloat (test_max_abs_diff (largest, chosen), >, 1e-3f);
  g_assert_cmpfloat (test_max_abs_diff (largest, by_x4), >, 1e-3f);
}

static void
test_thin_region_membrane (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierLatentDiffusion) ld = open_model ();
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 240, 400);
  g_autoptr (AtelierTensor) selection = test_selection (240, 400, 20, 20, 22, 80, 0);
  add_box (selection, 150, 300, 189, 339, 0);
  AtelierInpaintRegionsOptions options = { atelier_latent_diffusion_options_default (), { NULL },
                                           ATELIER_INPAINT_FILL_AUTO, 8 };
  options.diffusion.sampler.steps = 3;
  int counts[4] = { 0 };
  g_autoptr (AtelierTensor) out = atelier_inpaint_regions (ctx, ld, image, selection, &options, counts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (counts[ATELIER_INPAINT_FILL_MEMBRANE], ==, 1);
  g_assert_cmpint (counts[ATELIER_INPAINT_FILL_AUTO_LARGE], ==, 1);
  assert_unselected_kept (out, image, selection, 3);
  g_autoptr (AtelierTensor) jacobi = atelier_tensor_copy (image, NULL);
  const int64_t plane = 240 * 400;
  for (int64_t c = 0; c < 3; c++)
    {
      float *v = jacobi->data + c * plane;
      for (int64_t y = 20; y <= 22; y++)
        for (int64_t x = 20; x <= 80; x++)
          v[y * 400 + x] = 0.0f;
      for (int iteration = 0; iteration < 2000; iteration++)
        for (int64_t y = 20; y <= 22; y++)
          for (int64_t x = 20; x <= 80; x++)
            v[y * 400 + x] = 0.25f * (v[(y - 1) * 400 + x] + v[(y + 1) * 400 + x] + v[y * 400 + x - 1] + v[y * 400 + x + 1]);
    }
  float largest = 0.0f;
  for (int64_t c = 0; c < 3; c++)
    for (int64_t y = 20; y <= 22; y++)
      for (int64_t x = 20; x <= 80; x++)
        largest = MAX (largest, fabsf (out->data[c * plane + y * 400 + x] - jacobi->data[c * plane + y * 400 + x]));
  g_test_message ("membrane vs Jacobi: %g", largest);
  g_assert_cmpfloat (largest, <, 2e-3f);
}

/* Grow and feather against the hand-computed ramp around one selected pixel: 1 up to the grow, then
 * (grow + feather + 1 - d) / (feather + 1) in 8-bit steps, 0 from grow + feather + 1 on. */
static void
test_grow_feather_mask (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, 40, 50, NULL);
  selection->data[20 * 50 + 25] = 0.5f;
  g_autoptr (AtelierTensor) mask = atelier_inpaint_regions_mask (ctx, selection, 3, 4, &error);
  g_assert_no_error (error);
  for (int64_t y = 0; y < 40; y++)
    for (int64_t x = 0; x < 50; x++)
      {
        const double d = sqrt ((double) ((y - 20) * (y - 20) + (x - 25) * (x - 25)));
        const double ramp = d <= 3 ? 1.0 : d >= 8 ? 0.0 : (8.0 - d) / 5.0;
        g_assert_cmpfloat_with_epsilon (mask->data[y * 50 + x], round (255.0 * ramp) / 255.0, 1e-6);
      }
  g_autoptr (AtelierTensor) unchanged = atelier_inpaint_regions_mask (ctx, selection, 0, 0, &error);
  assert_identical (unchanged, selection, 1, "neither grown nor feathered");
}

/* The filter's layer is transparent outside the grown and feathered selection, so the picture there is
 * the source's bit for bit; inside the grown ring the colour is the fill's, not the source's. */
static void
test_filter_grow_feather (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("inpaint"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_assert_true (atelier_filter_values_set (values, "steps", 3, &error));
  g_assert_true (atelier_filter_values_set (values, "grow", 4, &error));
  g_assert_true (atelier_filter_values_set (values, "feather", 3, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 120, 160);
  g_autoptr (AtelierTensor) selection = test_selection (120, 160, 50, 70, 64, 89, 0);
  g_autoptr (AtelierTensor) layer = inpaint_layer (filter, ctx, values, image, selection);
  g_assert_cmpint (layer->shape[1], ==, 4);
  const int64_t plane = 120 * 160;
  for (int64_t y = 0; y < 120; y++)
    for (int64_t x = 0; x < 160; x++)
      {
        /* Chebyshev distance, at most the Euclidean; and equal to it beside the box's sides. */
        const int64_t dy = MAX (50 - y, y - 64), dx = MAX (70 - x, x - 89), distance = MAX (dy, dx);
        const float alpha = layer->data[3 * plane + y * 160 + x];
        if (distance > 4 + 3 + 1)
          g_assert_cmpfloat (alpha, ==, 0.0f);
        else if (distance <= 4 && MIN (dy, dx) <= 0)
          g_assert_cmpfloat (alpha, ==, 1.0f);
      }
  g_autoptr (AtelierTensor) composite = atelier_planes_over (layer, image, &error);
  g_assert_no_error (error);
  for (int64_t c = 0; c < 3; c++)
    for (int64_t i = 0; i < plane; i++)
      if (layer->data[3 * plane + i] == 0.0f)
        g_assert_cmpfloat (composite->data[c * plane + i], ==, image->data[c * plane + i]);
}

/* Three variations: the first as the layer, the next two as hidden layers named with their seeds, each the very
 * layer a run of one variation with that seed makes; the settings list the seeds. */
static void
test_filter_variations (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("inpaint"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_assert_true (atelier_filter_values_set (values, "steps", 3, &error));
  g_assert_true (atelier_filter_values_set (values, "seed", 5, &error));
  g_assert_true (atelier_filter_values_set_choice (values, "fill", "model", &error));
  g_assert_true (atelier_filter_values_set (values, "variations", 3, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_image (3, 72, 100);
  g_autoptr (AtelierTensor) selection = test_selection (72, 100, 20, 30, 49, 70, 0);
  const AtelierFilterInput in = { image, selection, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->pictures->len, ==, 2);
  g_test_message ("settings: %s", out->settings);
  g_assert_nonnull (strstr (out->settings, "\"seeds\":[5,6,7]"));
  g_autoptr (AtelierFilterValues) one = atelier_filter_values_copy (values);
  g_assert_true (atelier_filter_values_set (one, "variations", 1, &error));
  for (int k = 0; k < 3; k++)
    {
      g_assert_true (atelier_filter_values_set (one, "seed", 5 + k, &error));
      g_autoptr (AtelierTensor) alone = inpaint_layer (filter, ctx, one, image, selection);
      const AtelierFilterPicture *picture = k > 0 ? out->pictures->pdata[k - 1] : NULL;
      assert_identical (picture ? picture->pixels : out->pixels, alone, 4, "variation against its seed alone");
      if (picture == NULL)
        continue;
      g_autofree char *title = g_strdup_printf ("Inpainted #%d (seed %d)", k + 1, 5 + k);
      g_assert_cmpstr (picture->title, ==, title);
      g_assert_true (picture->hidden);
      g_assert_cmpint (picture->place, ==, ATELIER_PICTURE_LAYER);
    }
  /* Different seeds, different fills. */
  const AtelierFilterPicture *second = out->pictures->pdata[0];
  g_assert_cmpfloat (test_max_abs_diff (second->pixels, out->pixels), >, 0.01f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/inpaint/independent-of-hole/hard-box-reduced", GINT_TO_POINTER (64), test_hard_box);
  g_test_add_data_func ("/inpaint/independent-of-hole/hard-box-full-size", GINT_TO_POINTER (512), test_hard_box);
  g_test_add_func ("/inpaint/independent-of-hole/soft-edge", test_soft_edge);
  g_test_add_func ("/inpaint/independent-of-hole/rgba-filter", test_rgba_filter);
  g_test_add_func ("/inpaint/regions/small-at-full-resolution", test_small_regions_full_resolution);
  g_test_add_func ("/inpaint/regions/overlapping-windows-merge", test_overlapping_windows_merge);
  g_test_add_func ("/inpaint/regions/large-reduced-and-enlarged", test_large_region_enlarged);
  g_test_add_func ("/inpaint/regions/large-enlarger-choice", test_large_region_enlarger_choice);
  g_test_add_func ("/inpaint/regions/thin-region-membrane", test_thin_region_membrane);
  g_test_add_func ("/inpaint/regions/grow-feather-mask", test_grow_feather_mask);
  g_test_add_func ("/inpaint/regions/filter-grow-feather", test_filter_grow_feather);
  g_test_add_func ("/inpaint/variations", test_filter_variations);
  return g_test_run ();
}
