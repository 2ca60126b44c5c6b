/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The few-step student of the latent U-Net (models/unet/latent-unet-fast.*, models/unet/distill_trajectory.py)
 * against PyTorch (golden/unet-student-golden.safetensors from golden/make-unet-student-golden.py): its forward
 * pass, and whole sampling runs with the parameters the filters' "fast" speed gives it, against the reference
 * sampler of models/unet/sampling.py run the way a student is sampled (DDIM at its distilled steps, guidance 1).
 * Then the filters: with speed fast they sample the student, whatever the steps, guidance and sampler rows say. */
#include "test-helpers.h"

#include "filters/atelier-sampling-params.h"

#include <string.h>

/* The steps and teacher guidance the committed student was distilled with (models/unet/README.md). */
#define STUDENT_STEPS 4
#define STUDENT_GUIDANCE 3.0

static char *
student_manifest (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "models", "unet", "latent-unet-fast.json", NULL);
}

static AtelierSafetensors *
open_golden (void)
{
  g_autofree char *manifest = student_manifest ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "golden", "unet-student-golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierModel) model = atelier_model_open (manifest, &error);
  g_assert_no_error (error);
  AtelierSafetensors *golden = atelier_safetensors_open (path, &error);
  g_assert_no_error (error);
  /* A golden file made from other weights is stale, not a bug: say so. */
  GHashTable *metadata = atelier_safetensors_get_metadata (golden);
  const char *golden_sha = metadata ? g_hash_table_lookup (metadata, "weights_sha256") : NULL;
  const char *model_sha = atelier_manifest_get_sha256 (atelier_model_get_manifest (model));
  if (g_strcmp0 (golden_sha, model_sha) != 0)
    g_error ("tests/golden/unet-student-golden.safetensors was made from other weights (%s, model %s): run "
             "/usr/bin/python3 -m tests.golden.make-unet-student-golden", golden_sha, model_sha);
  return golden;
}

/* Speed fast on a filter that samples, with rows that the student must ignore. */
static AtelierFilterValues *
fast_values (const char *filter)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find (filter));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "speed", "fast", &error));
  g_assert_true (atelier_filter_values_set (values, "steps", 17, &error));
  g_assert_true (atelier_filter_values_set (values, "guidance", 5.5, &error));
  g_assert_true (atelier_filter_values_set_choice (values, "sampler", "dpmpp-2m", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&values);
}

static void
test_manifest (void)
{
  g_autoptr (AtelierModelCache) models = atelier_model_cache_new ();
  g_autoptr (AtelierFilterValues) values = fast_values ("inpaint");
  g_autoptr (GError) error = NULL;
  AtelierSamplerParams params = atelier_sampler_params_default ();
  const AtelierLatentDiffusion *ld = atelier_sampling_setup (models, values, &params, &error);
  g_assert_no_error (error);
  const AtelierUNet *student = atelier_latent_diffusion_get_unet (ld);
  g_assert_cmpint (atelier_unet_get_distilled_steps (student), ==, STUDENT_STEPS);
  g_assert_cmpfloat (atelier_unet_get_distilled_guidance (student), ==, STUDENT_GUIDANCE);
  g_assert_cmpint (params.kind, ==, ATELIER_SAMPLER_DDIM);
  g_assert_cmpint (params.steps, ==, STUDENT_STEPS);
  g_assert_cmpfloat (params.guidance, ==, 1.0f);
  g_assert_cmpfloat (params.eta, ==, 0.0f);
  /* Full: the teacher, which is no student, with the rows' own values. */
  g_assert_true (atelier_filter_values_set_choice (values, "speed", "full", &error));
  const AtelierLatentDiffusion *teacher = atelier_sampling_setup (models, values, &params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_unet_get_distilled_steps (atelier_latent_diffusion_get_unet (teacher)), ==, 0);
  g_assert_cmpint (params.kind, ==, ATELIER_SAMPLER_DPMPP_2M);
  g_assert_cmpint (params.steps, ==, 17);
  g_assert_cmpfloat (params.guidance, ==, 5.5f);
  g_assert_false (atelier_latent_diffusion_student_params (teacher, &params, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED);
  g_assert_cmpint (atelier_model_cache_opens (models), ==, 2);
}

static void
test_forward (void)
{
  g_autofree char *manifest = student_manifest ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierModel) model = atelier_model_open (manifest, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierUNet) unet = atelier_unet_new (model, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierSafetensors) golden = open_golden ();
  g_autoptr (AtelierTensor) input = test_golden_tensor (golden, "forward_input");
  g_autoptr (AtelierTensor) timesteps = test_golden_tensor (golden, "forward_timesteps");
  g_autoptr (AtelierTensor) label_values = test_golden_tensor (golden, "forward_labels");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (golden, "forward_output");
  const int labels[2] = { (int) label_values->data[0], (int) label_values->data[1] };
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) output = atelier_unet_forward (ctx, unet, input, timesteps->data, labels, &error);
  g_assert_no_error (error);
  g_test_message ("forward: max abs diff %g (magnitude %g)", test_max_abs_diff (output, expected),
                  test_max_abs (expected));
  /* Measured 5.6e-7 x (1 + max |expected|); about 10x that. */
  test_assert_close (output, expected, 7e-6f);
}

/* A whole sampling run with the parameters the filters' fast speed sets, from the golden noise. */
static void
check_fast_sampling (const char *expected_name, int label, gboolean around_subject, float tolerance)
{
  g_autoptr (AtelierModelCache) models = atelier_model_cache_new ();
  g_autoptr (AtelierFilterValues) values = fast_values ("replace-background");
  g_autoptr (GError) error = NULL;
  AtelierSamplerParams params = atelier_sampler_params_default ();
  const AtelierLatentDiffusion *ld = atelier_sampling_setup (models, values, &params, &error);
  g_assert_no_error (error);
  params.label = label;
  g_autoptr (AtelierSafetensors) golden = open_golden ();
  g_autoptr (AtelierTensor) noise = test_golden_tensor (golden, "noise");
  g_autoptr (AtelierTensor) known = test_golden_tensor (golden, "known");
  g_autoptr (AtelierTensor) mask = test_golden_tensor (golden, "mask");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (golden, expected_name);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) result = atelier_latent_diffusion_sample (ctx, atelier_latent_diffusion_get_unet (ld), &params, NULL, around_subject ? known : NULL,
                                                                      around_subject ? mask : NULL, noise, &error);
  g_assert_no_error (error);
  g_test_message ("%s: max abs diff %g (magnitude %g)", expected_name, test_max_abs_diff (result, expected),
                  test_max_abs (expected));
  test_assert_close (result, expected, tolerance);
  const int64_t plane = mask->shape[2] * mask->shape[3];
  for (int64_t i = 0; around_subject && i < atelier_tensor_numel (result); i++)
    if (mask->data[i % plane] == 0.0f)
      g_assert_cmpfloat (result->data[i], ==, known->data[i]);
}

static void
test_fast_generate (void)
{
  check_fast_sampling ("generated", 3, FALSE, 4e-6f); /* measured 3.0e-7 x (1 + max |expected|) */
}

static void
test_fast_around_subject (void)
{
  check_fast_sampling ("around_subject", 1, TRUE, 4e-6f); /* measured 3.4e-7 */
}

/* Extend Canvas on a small picture (2 model passes per step at full speed, 1 fast). */
static AtelierTensor *
extended (AtelierFilter *filter, const AtelierFilterValues *values, const AtelierTensor *image)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const AtelierFilterInput in = { image, NULL, FALSE, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out->pixels);
}

static void
test_filter_fast_uses_student (void)
{
  g_autoptr (AtelierTensor) image = test_texture_image (96, 64);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("extend-canvas"));
  g_autoptr (AtelierFilterValues) fast = fast_values ("extend-canvas");
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (fast, "working-size", 128, &error));
  g_autoptr (AtelierTensor) first = extended (filter, fast, image);
  /* The rows the student ignores changed: the same result. */
  g_autoptr (AtelierFilterValues) other_rows = atelier_filter_values_copy (fast);
  g_assert_true (atelier_filter_values_set (other_rows, "steps", 2, &error));
  g_assert_true (atelier_filter_values_set (other_rows, "guidance", 1.0, &error));
  g_assert_true (atelier_filter_values_set_choice (other_rows, "sampler", "ddim", &error));
  g_autoptr (AtelierTensor) second = extended (filter, other_rows, image);
  g_assert_cmpfloat (test_max_abs_diff (first, second), ==, 0.0f);
  /* The student and its three enlargers, opened once for both runs. */
  g_assert_cmpint (atelier_model_cache_opens (atelier_filter_get_models (filter)), ==, 4);
  /* The teacher sampled exactly as the student is (DDIM, its steps, guidance 1) is another model: another
   * border, from the same seed. */
  g_autoptr (AtelierFilterValues) full = atelier_filter_values_copy (fast);
  g_assert_true (atelier_filter_values_set_choice (full, "speed", "full", &error));
  g_assert_true (atelier_filter_values_set (full, "steps", STUDENT_STEPS, &error));
  g_assert_true (atelier_filter_values_set (full, "guidance", 1.0, &error));
  g_assert_true (atelier_filter_values_set_choice (full, "sampler", "ddim", &error));
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) teacher = extended (filter, full, image);
  g_test_message ("fast against the teacher at the student's settings: max abs diff %g",
                  test_max_abs_diff (first, teacher));
  /* The same model gives the same bits (the first two runs), so any difference is another model's. */
  g_assert_cmpfloat (test_max_abs_diff (first, teacher), >, 1e-3f);
  g_assert_cmpint (atelier_model_cache_opens (atelier_filter_get_models (filter)), ==, 5);
}

/* The speed row is the last of each filter that samples, so that scripts written before it keep their
 * argument positions; full is its default. */
static void
test_speed_row_last (void)
{
  const char *filters[] = { "inpaint", "extend-canvas", "replace-background" };
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      const AtelierFilterInfo *info = atelier_filter_find (filters[i]);
      const AtelierParamSpec *last = &info->params[info->n_params - 1];
      g_assert_cmpstr (last->name, ==, "speed");
      g_assert_cmpstr (last->choices[(int) last->default_value].nick, ==, "full");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/diffusion/student/manifest-and-fast-params", test_manifest);
  g_test_add_func ("/diffusion/student/forward-vs-pytorch", test_forward);
  g_test_add_func ("/diffusion/student/fast-generate-vs-pytorch", test_fast_generate);
  g_test_add_func ("/diffusion/student/fast-around-subject-vs-pytorch", test_fast_around_subject);
  g_test_add_func ("/diffusion/student/filter-fast-uses-student", test_filter_fast_uses_student);
  g_test_add_func ("/diffusion/student/speed-row-last", test_speed_row_last);
  return g_test_run ();
}
