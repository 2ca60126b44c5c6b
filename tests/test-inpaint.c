/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inpainting must not depend on what lies under the selection: the object a user removes may not leak into
 * its replacement. Every test fills the same photograph-like image and selection with the original, black,
 * white and noise under the selection and asserts the results bit-identical, through the whole pipeline
 * (push-pull pre-fill, reduction to the working size, encoder, sampler, decoder, seam correction, blend). */
#include "test-helpers.h"

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
  const AtelierFilterInput in = { image, selection, FALSE };
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/inpaint/independent-of-hole/hard-box-reduced", GINT_TO_POINTER (64), test_hard_box);
  g_test_add_data_func ("/inpaint/independent-of-hole/hard-box-full-size", GINT_TO_POINTER (512), test_hard_box);
  g_test_add_func ("/inpaint/independent-of-hole/soft-edge", test_soft_edge);
  g_test_add_func ("/inpaint/independent-of-hole/rgba-filter", test_rgba_filter);
  return g_test_run ();
}
