/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The latent diffusion U-Net and its samplers against PyTorch (golden/unet-golden.safetensors from
 * golden/make-unet-golden.py: the committed weights in models/unet/unet_torch.py, the reference samplers of
 * models/unet/sampling.py), and the seeded noise generator against its defining properties. */
#include "test-helpers.h"

#include <float.h>
#include <math.h>
#include <string.h>

typedef struct
{
  AtelierModel *model;
  AtelierUNet *unet;
  AtelierSafetensors *golden;
  AtelierContext *ctx;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "..", "models", "unet", "latent-unet.json", NULL);
  g_autofree char *golden_path = g_test_build_filename (G_TEST_DIST, "golden", "unet-golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  f->model = atelier_model_open (manifest, &error);
  g_assert_no_error (error);
  f->unet = atelier_unet_new (f->model, &error);
  g_assert_no_error (error);
  f->golden = atelier_safetensors_open (golden_path, &error);
  g_assert_no_error (error);
  /* A golden file made from other weights is stale, not a bug: say so. */
  GHashTable *metadata = atelier_safetensors_get_metadata (f->golden);
  const char *golden_sha = metadata ? g_hash_table_lookup (metadata, "weights_sha256") : NULL;
  const char *model_sha = atelier_manifest_get_sha256 (atelier_model_get_manifest (f->model));
  if (g_strcmp0 (golden_sha, model_sha) != 0)
    g_error ("tests/golden/unet-golden.safetensors was made from other weights (%s, model %s): run "
             "/usr/bin/python3 -m tests.golden.make-unet-golden", golden_sha, model_sha);
  f->ctx = atelier_context_new (2);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  atelier_unet_free (f->unet);
  atelier_model_free (f->model);
  atelier_safetensors_free (f->golden);
  atelier_context_free (f->ctx);
}

static void
test_forward (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (AtelierTensor) input = test_golden_tensor (f->golden, "forward_input");
  g_autoptr (AtelierTensor) timesteps = test_golden_tensor (f->golden, "forward_timesteps");
  g_autoptr (AtelierTensor) label_values = test_golden_tensor (f->golden, "forward_labels");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (f->golden, "forward_output");
  const int labels[2] = { (int) label_values->data[0], (int) label_values->data[1] };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) output = atelier_unet_forward (f->ctx, f->unet, input, timesteps->data, labels, &error);
  g_assert_no_error (error);
  g_test_message ("forward: max abs diff %g (output magnitude %g)", test_max_abs_diff (output, expected),
                  test_max_abs (expected));
  /* Measured 7.3e-7 x (1 + max |expected|); 10x that. */
  test_assert_close (output, expected, 7e-6f);
}

/* Whole sampling runs from the same initial noise: the sampler's arithmetic, the timesteps, guidance,
 * strength and the re-imposed known cells must all agree with the reference for the result to. */
static void
check_sampler (Fixture *f, const char *expected_name, const AtelierSamplerParams *params, gboolean inpaint,
               float tolerance)
{
  g_autoptr (AtelierTensor) noise = test_golden_tensor (f->golden, "noise");
  g_autoptr (AtelierTensor) known = test_golden_tensor (f->golden, "known");
  g_autoptr (AtelierTensor) mask = test_golden_tensor (f->golden, "mask");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (f->golden, expected_name);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) result = atelier_latent_diffusion_sample (f->ctx, f->unet, params, NULL, inpaint ? known : NULL,
                                                          inpaint ? mask : NULL, noise, &error);
  g_assert_no_error (error);
  g_test_message ("%s: max abs diff %g (magnitude %g)", expected_name, test_max_abs_diff (result, expected),
                  test_max_abs (expected));
  test_assert_close (result, expected, tolerance);
  if (!inpaint)
    return;
  const int64_t plane = mask->shape[2] * mask->shape[3];
  for (int64_t i = 0; i < atelier_tensor_numel (result); i++)
    if (mask->data[i % plane] == 0.0f)
      g_assert_cmpfloat (result->data[i], ==, known->data[i]);
}

static void
test_sampler_dpmpp_generation (Fixture *f, gconstpointer data)
{
  (void) data;
  AtelierSamplerParams p = atelier_sampler_params_default ();
  p.kind = ATELIER_SAMPLER_DPMPP_2M;
  p.steps = 6;
  p.guidance = 2.5f;
  p.label = 2;
  check_sampler (f, "generated", &p, FALSE, 1e-5f); /* measured 9.2e-7 x (1 + max |expected|) */
}

static void
test_sampler_ddim_inpaint_strength (Fixture *f, gconstpointer data)
{
  (void) data;
  AtelierSamplerParams p = atelier_sampler_params_default ();
  p.kind = ATELIER_SAMPLER_DDIM;
  p.steps = 5;
  p.guidance = 1.0f;
  p.strength = 0.6f;
  p.label = 1;
  check_sampler (f, "inpainted_ddim", &p, TRUE, 2e-6f); /* measured 1.7e-7 */
}

static void
test_sampler_dpmpp_inpaint (Fixture *f, gconstpointer data)
{
  (void) data;
  AtelierSamplerParams p = atelier_sampler_params_default ();
  p.steps = 7;
  p.guidance = 4.0f;
  p.label = 1;
  check_sampler (f, "inpainted_dpmpp", &p, TRUE, 7e-6f); /* measured 6.4e-7 */
}

/* eta > 0 draws fresh noise every step: the same seed repeats the result, whatever the thread count, and
 * another seed changes it. */
static void
test_sampler_ddim_eta_seeded (Fixture *f, gconstpointer data)
{
  (void) data;
  AtelierSamplerParams p = atelier_sampler_params_default ();
  p.kind = ATELIER_SAMPLER_DDIM;
  p.steps = 3;
  p.eta = 1.0f;
  p.guidance = 1.0f;
  p.seed = 42;
  g_autoptr (AtelierTensor) mask = test_golden_tensor (f->golden, "mask");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) one_thread = atelier_context_new (1);
  g_autoptr (AtelierTensor) a = atelier_latent_diffusion_sample (f->ctx, f->unet, &p, NULL, NULL, mask, NULL, &error);
  g_autoptr (AtelierTensor) b = atelier_latent_diffusion_sample (one_thread, f->unet, &p, NULL, NULL, mask, NULL, &error);
  p.seed = 43;
  g_autoptr (AtelierTensor) c = atelier_latent_diffusion_sample (f->ctx, f->unet, &p, NULL, NULL, mask, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("1 and 2 threads: max abs diff %g; another seed: %g", test_max_abs_diff (a, b),
                  test_max_abs_diff (a, c));
  g_assert_cmpfloat (test_max_abs_diff (a, b), <, 1e-5f); /* measured 9.5e-7: the U-Net's sums split by thread */
  g_assert_cmpfloat (test_max_abs_diff (a, c), >, 1e-2f);
}

static void
test_timesteps (Fixture *f, gconstpointer data)
{
  (void) data;
  int count, schedule_steps;
  atelier_unet_get_alphas_cumprod (f->unet, &schedule_steps);
  g_autofree int *t20 = atelier_sampler_timesteps (schedule_steps, 20, &count);
  g_assert_cmpint (count, ==, 20);
  g_assert_cmpint (t20[0], ==, 999);
  g_assert_cmpint (t20[1], ==, 949);
  g_assert_cmpint (t20[19], ==, 49);
  g_autofree int *t3 = atelier_sampler_timesteps (schedule_steps, 3, &count);
  g_assert_cmpint (count, ==, 3);
  /* 1000 - i * 1000 / 3, rounded, minus one. */
  g_assert_cmpint (t3[1], ==, 666);
  g_assert_cmpint (t3[2], ==, 332);
  g_autofree int *t5000 = atelier_sampler_timesteps (schedule_steps, 5000, &count);
  g_assert_cmpint (count, ==, 1000);
  g_assert_cmpint (t5000[999], ==, 0);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  const int latent = atelier_unet_get_latent_channels (f->unet);
  g_autoptr (AtelierTensor) odd = test_random_4d (1, 2 * latent + 1, 6, 8);
  const float t[1] = { 10 };
  const int label[1] = { 1 }, bad_label[1] = { 99 };
  g_assert_null (atelier_unet_forward (f->ctx, f->unet, odd, t, label, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_autoptr (AtelierTensor) good = test_random_4d (1, 2 * latent + 1, 8, 8);
  g_assert_null (atelier_unet_forward (f->ctx, f->unet, good, t, bad_label, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (atelier_unet_label_index (f->unet, "marble-ish", &error), ==, -1);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "studio"));
  g_clear_error (&error);
  g_assert_cmpint (atelier_unet_label_index (f->unet, "wood", &error), >, 0);
  g_assert_no_error (error);

  g_autoptr (AtelierTensor) noise = test_random_4d (1, latent, 8, 8);
  noise->data[5] = NAN;
  AtelierSamplerParams p = atelier_sampler_params_default ();
  g_assert_null (atelier_latent_diffusion_sample (f->ctx, f->unet, &p, NULL, NULL, NULL, noise, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  noise->data[5] = 0;
  p.steps = 0;
  g_assert_null (atelier_latent_diffusion_sample (f->ctx, f->unet, &p, NULL, NULL, NULL, noise, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) noise = test_random_4d (1, atelier_unet_get_latent_channels (f->unet), 8, 8);
  AtelierSamplerParams p = atelier_sampler_params_default ();
  atelier_context_cancel (f->ctx);
  g_assert_null (atelier_latent_diffusion_sample (f->ctx, f->unet, &p, NULL, NULL, NULL, noise, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_CANCELLED);
}

/* ---------------------------------------------------------------- the sampler with another denoiser */

/* A denoiser that is no network: its output is k x, k chosen by the label (k[0] for the null label). On
 * it every sampler step can be followed by hand, with schedules whose alphas and sigmas are round:
 * abar 0.64, 0.5, 0.36 give (alpha, sigma) = (0.8, 0.6), (sqrt 1/2, sqrt 1/2), (0.6, 0.8). */
typedef struct
{
  float k[2];
  int calls;
  int last_count, last_labels[2];
} LinearDenoiser;

static AtelierTensor *
linear_denoise (AtelierContext *ctx, gpointer user_data, const AtelierTensor *x, int t, const int *labels, int count,
                GError **error)
{
  (void) ctx, (void) t;
  LinearDenoiser *d = user_data;
  AtelierTensor *out = atelier_tensor_new_4d (count, x->shape[1], x->shape[2], x->shape[3], error);
  const int64_t n = atelier_tensor_numel (x);
  for (int b = 0; out != NULL && b < count; b++)
    for (int64_t i = 0; i < n; i++)
      out->data[b * n + i] = d->k[labels[b]] * x->data[i];
  d->calls++;
  d->last_count = count;
  memcpy (d->last_labels, labels, count * sizeof (int));
  return out;
}

typedef struct
{
  const char *name;
  AtelierSamplerKind kind;
  AtelierDenoiserPrediction prediction;
  int schedule_steps; /* of abar = { 0.64, 0.5, 0.36 } (2: { 0.64, 0.36 }) */
  float k_null, k_label, guidance, strength;
  float known;        /* the known latent in every cell */
  double expected;    /* from noise 1 */
  int calls;
} LinearCase;

/* Worked by hand from noise 1 (x = alpha_T known + sigma_T noise):
 * ddim-epsilon: x = 0.8 at t = 1; eps = 0.4, x0 = (0.8 - 0.8 * 0.4) / 0.6 = 0.8; to t = 0:
 *   x = 0.8 * 0.8 + 0.6 * 0.4 = 0.88; eps = 0.44, x0 = (0.88 - 0.6 * 0.44) / 0.8 = 0.77.
 * ddim-guided: 0.2 + 1.5 (0.4 - 0.2) = 0.5, so the same 0.77.
 * ddim-v: v = 0.4, x0 = 0.6 * 0.8 - 0.8 * 0.4 = 0.16, eps = (0.8 - 0.6 * 0.16) / 0.8 = 0.88; x = 0.8 * 0.16
 *   + 0.6 * 0.88 = 0.656; v = 0.328, x0 = 0.8 * 0.656 - 0.6 * 0.328 = 0.328.
 * ddim-strength: strength 1/2 of 2 steps starts at t = 0 from x = 0.8 * 0.5 + 0.6 = 1: x0 = (1 - 0.6 * 0.5)
 *   / 0.8 = 0.875.
 * dpmpp-2m: x = 0.8 at t = 2, x0 = 0.8 as above; h = lambda_1 - lambda_2 = log 4/3 (lambda = log alpha /
 *   sigma), first order: x = (sigma_1 / sigma_2) x - alpha_1 (e^-h - 1) x0 = r (0.8 / 0.8 + 0.25 * 0.8) =
 *   1.2 r with r = sqrt 1/2; eps = 0.6 r, x0 = (1.2 r - 0.3) / r = 1.2 - 0.3 sqrt 2; h = log 4/3 again, so
 *   the ratio of steps is 1 and D = 1.5 x0 - 0.5 x0_prev = 1.4 - 0.45 sqrt 2; x = (0.6 / r) 1.2 r - 0.8
 *   (0.75 - 1) D = 1 - 0.09 sqrt 2; eps = x / 2, x0 = (x - 0.3 x) / 0.8 = 0.875 (1 - 0.09 sqrt 2). */
static const LinearCase linear_cases[] = {
  { "ddim-epsilon", ATELIER_SAMPLER_DDIM, ATELIER_DENOISER_PREDICTS_EPSILON, 2, 0, 0.5f, 1, 1, 0, 0.77, 2 },
  { "ddim-guided", ATELIER_SAMPLER_DDIM, ATELIER_DENOISER_PREDICTS_EPSILON, 2, 0.2f, 0.4f, 1.5f, 1, 0, 0.77, 2 },
  { "ddim-v", ATELIER_SAMPLER_DDIM, ATELIER_DENOISER_PREDICTS_V, 2, 0, 0.5f, 1, 1, 0, 0.328, 2 },
  { "ddim-strength", ATELIER_SAMPLER_DDIM, ATELIER_DENOISER_PREDICTS_EPSILON, 2, 0, 0.5f, 1, 0.5f, 0.5f, 0.875, 1 },
  { "dpmpp-2m-epsilon", ATELIER_SAMPLER_DPMPP_2M, ATELIER_DENOISER_PREDICTS_EPSILON, 3, 0, 0.5f, 1, 1, 0,
    0.875 * (1 - 0.09 * G_SQRT2), 3 },
};

/* The case's sampling on a (1, 1, 1, 2) latent whose second cell is kept at 0.3 by the mask: the first
 * ends on the hand-worked value, the second exactly on the known one. */
static void
test_sampler_linear_denoiser (gconstpointer data)
{
  const LinearCase *c = data;
  const double three[3] = { 0.64, 0.5, 0.36 }, two[2] = { 0.64, 0.36 };
  LinearDenoiser linear = { { c->k_null, c->k_label }, 0, 0, { -1, -1 } };
  const AtelierDenoiser denoiser = { .latent_channels = 1, .alphas_cumprod = c->schedule_steps == 3 ? three : two,
                                     .schedule_steps = c->schedule_steps, .prediction = c->prediction,
                                     .denoise = linear_denoise, .user_data = &linear };
  AtelierSamplerParams p = atelier_sampler_params_default ();
  p.kind = c->kind;
  p.steps = 1000; /* more than the schedule has: all of it */
  p.guidance = c->guidance;
  p.strength = c->strength;
  p.label = 1;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) noise = atelier_tensor_new_4d (1, 1, 1, 2, &error);
  g_autoptr (AtelierTensor) known = atelier_tensor_new_4d (1, 1, 1, 2, &error);
  g_autoptr (AtelierTensor) mask = atelier_tensor_new_4d (1, 1, 1, 2, &error);
  atelier_tensor_fill (noise, 1.0f);
  known->data[0] = c->known;
  known->data[1] = 0.3f;
  mask->data[0] = 1.0f;
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) x = atelier_sampler_run (ctx, &denoiser, &p, known, mask, noise, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %.9g, by hand %.9g (difference %g)", c->name, x->data[0], c->expected,
                  fabs (x->data[0] - c->expected));
  /* Measured: at most 1.9e-8, the float result's rounding; the tolerance is 10x that. */
  g_assert_cmpfloat (fabs (x->data[0] - c->expected), <, 2e-7);
  g_assert_cmpfloat (x->data[1], ==, 0.3f);
  g_assert_cmpint (linear.calls, ==, c->calls);
  g_assert_cmpint (linear.last_count, ==, c->guidance != 1 ? 2 : 1);
  g_assert_cmpint (linear.last_labels[0], ==, 1);
  if (c->guidance != 1)
    g_assert_cmpint (linear.last_labels[1], ==, 0);
}

/* ---------------------------------------------------------------- pipeline */

typedef struct
{
  double last;
  gboolean monotonic;
  GPtrArray *steps;
} ProgressLog;

static void
record_progress (double fraction, const char *step, gpointer data)
{
  ProgressLog *log = data;
  log->monotonic &= fraction >= log->last;
  log->last = fraction;
  g_ptr_array_add (log->steps, g_strdup (step));
}

static gboolean
logged (const ProgressLog *log, const char *step)
{
  for (guint i = 0; i < log->steps->len; i++)
    if (strcmp (g_ptr_array_index (log->steps, i), step) == 0)
      return TRUE;
  return FALSE;
}

static void
test_inpaint_pipeline (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierLatentDiffusion) ld = atelier_latent_diffusion_open (ATELIER_LATENT_DIFFUSION_DEFAULT_UNET,
                                                                         ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER,
                                                                         &error);
  g_assert_no_error (error);
  const int64_t h = 70, w = 90; /* neither a multiple of 8 */
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, h, w);
  for (int64_t i = 0; i < atelier_tensor_numel (image); i++)
    image->data[i] = 0.5f + 0.5f * image->data[i];
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, h, w, &error);
  for (int64_t y = 20; y < 40; y++)
    for (int64_t x = 30; x < 61; x++)
      selection->data[y * w + x] = y < 25 ? 0.5f : 1.0f; /* a soft top edge */
  AtelierLatentDiffusionOptions options = atelier_latent_diffusion_options_default ();
  options.sampler.steps = 3;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  ProgressLog log = { 0.0, TRUE, g_ptr_array_new_with_free_func (g_free) };
  atelier_context_set_progress (ctx, record_progress, &log);
  g_autoptr (AtelierTensor) out = atelier_latent_diffusion_inpaint (ctx, ld, image, selection, &options, &error);
  g_assert_no_error (error);
  g_assert_true (log.monotonic);
  g_assert_cmpfloat (log.last, ==, 1.0);
  g_assert_true (logged (&log, "Denoising 3/3"));
  g_ptr_array_unref (log.steps);

  /* Unselected pixels are the input's; selected ones are a blend by the selection's value. */
  const int64_t plane = h * w;
  float outside = 0, changed = 0;
  for (int c = 0; c < 3; c++)
    for (int64_t i = 0; i < plane; i++)
      {
        const float d = fabsf (out->data[c * plane + i] - image->data[c * plane + i]);
        if (selection->data[i] == 0.0f)
          outside = MAX (outside, d);
        else
          changed = MAX (changed, d);
      }
  g_assert_cmpfloat (outside, ==, 0.0f);
  g_assert_cmpfloat (changed, >, 0.05f);

  /* Nothing selected, everything selected, NaN: refused with a reason. */
  atelier_tensor_fill (selection, 0.0f);
  g_assert_null (atelier_latent_diffusion_inpaint (ctx, ld, image, selection, &options, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "empty"));
  g_clear_error (&error);
  atelier_tensor_fill (selection, 1.0f);
  g_assert_null (atelier_latent_diffusion_inpaint (ctx, ld, image, selection, &options, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "whole image"));
  g_clear_error (&error);
  selection->data[0] = 0.0f;
  image->data[17] = NAN;
  g_assert_null (atelier_latent_diffusion_inpaint (ctx, ld, image, selection, &options, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static void
test_generate_size (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierLatentDiffusion) ld = atelier_latent_diffusion_open (ATELIER_LATENT_DIFFUSION_DEFAULT_UNET,
                                                                         ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER,
                                                                         &error);
  g_assert_no_error (error);
  AtelierLatentDiffusionOptions options = atelier_latent_diffusion_options_default ();
  options.sampler.steps = 2;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  /* 300x20: the working size keeps the aspect at multiples of 32 pixels, the result has the asked size. */
  g_autoptr (AtelierTensor) image = atelier_latent_diffusion_generate (ctx, ld, 300, 20, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->shape[1], ==, 3);
  g_assert_cmpint (image->shape[2], ==, 20);
  g_assert_cmpint (image->shape[3], ==, 300);
  /* The seed decides the image: the same one repeats it exactly, another changes it. */
  g_autoptr (AtelierTensor) again = atelier_latent_diffusion_generate (ctx, ld, 300, 20, &options, &error);
  options.sampler.seed++;
  g_autoptr (AtelierTensor) other = atelier_latent_diffusion_generate (ctx, ld, 300, 20, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (test_max_abs_diff (image, again), ==, 0.0f);
  g_test_message ("another seed: max abs diff %g", test_max_abs_diff (image, other));
  g_assert_cmpfloat (test_max_abs_diff (image, other), >, 0.1f);
  g_assert_null (atelier_latent_diffusion_generate (ctx, ld, 0, 20, &options, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A new fill of a wholly selected picture knows nothing of it: it is the generation at the working size, bit for
   * bit, whatever the picture; one pixel left unselected is known, and changes it. */
  g_autoptr (AtelierTensor) picture = test_random_4d (1, 3, 20, 300);
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, 20, 300, NULL);
  atelier_tensor_fill (selection, 1.0f);
  g_autoptr (AtelierTensor) fill = atelier_latent_diffusion_fill_at_working_size (ctx, ld, picture, selection,
                                                                                 &options, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) generated
    = atelier_latent_diffusion_generate (ctx, ld, (int) fill->shape[3], (int) fill->shape[2], &options, &error);
  g_assert_no_error (error);
  g_assert_true (atelier_tensor_same_shape (fill, generated));
  g_assert_cmpmem (fill->data, atelier_tensor_numel (fill) * sizeof (float), generated->data,
                   atelier_tensor_numel (generated) * sizeof (float));
  selection->data[0] = 0.0f;
  g_autoptr (AtelierTensor) knowing = atelier_latent_diffusion_fill_at_working_size (ctx, ld, picture, selection,
                                                                                    &options, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (test_max_abs_diff (knowing, generated), >, 0.0f);
}

/* ---------------------------------------------------------------- noise */

static AtelierTensor *
noise_with_threads (int threads, int64_t count, guint64 seed, guint64 stream)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  AtelierTensor *t = atelier_tensor_new (1, (const int64_t[]) { count }, NULL);
  atelier_noise_fill_normal (ctx, t, seed, stream);
  return t;
}

static void
test_noise (void)
{
  const int64_t count = 1000001; /* odd: the last Box-Muller pair is half used */
  g_autoptr (AtelierTensor) a = noise_with_threads (1, count, 7, 0);
  g_autoptr (AtelierTensor) b = noise_with_threads (3, count, 7, 0);
  g_autoptr (AtelierTensor) other_seed = noise_with_threads (2, count, 8, 0);
  g_autoptr (AtelierTensor) other_stream = noise_with_threads (2, count, 7, 1);
  g_assert_cmpmem (a->data, count * sizeof (float), b->data, count * sizeof (float));
  double sum = 0, sum2 = 0, sum4 = 0, same_seed = 0, same_stream = 0;
  for (int64_t i = 0; i < count; i++)
    {
      sum += a->data[i];
      sum2 += a->data[i] * (double) a->data[i];
      sum4 += pow (a->data[i], 4);
      same_seed += a->data[i] * (double) other_seed->data[i];
      same_stream += a->data[i] * (double) other_stream->data[i];
    }
  const double mean = sum / count, variance = sum2 / count - mean * mean;
  g_test_message ("mean %g variance %g kurtosis %g", mean, variance, sum4 / count / (variance * variance));
  /* Bounds at about five standard errors for a million samples. */
  g_assert_cmpfloat (fabs (mean), <, 0.005);
  g_assert_cmpfloat (fabs (variance - 1), <, 0.01);
  g_assert_cmpfloat (fabs (sum4 / count / (variance * variance) - 3), <, 0.05);
  g_assert_cmpfloat (fabs (same_seed / count), <, 0.005);
  g_assert_cmpfloat (fabs (same_stream / count), <, 0.005);
}

/* ---------------------------------------------------------------- seamless fill */

/* The membrane by Jacobi iteration from zero in double precision, run far past convergence: slow, and
 * sharing nothing with the engine's push-pull start and over-relaxation. */
static void
naive_membrane (const float *border, const gboolean *hole, int64_t h, int64_t w, double *field)
{
  g_autofree double *next = g_new (double, h * w);
  for (int64_t i = 0; i < h * w; i++)
    field[i] = hole[i] ? 0.0 : border[i];
  for (int iteration = 0; iteration < 20000; iteration++)
    {
      for (int64_t i = 0; i < h * w; i++)
        {
          const int64_t y = i / w, x = i % w;
          double sum = 0;
          int n = 0;
          const int64_t neighbour[4][2] = { { y - 1, x }, { y + 1, x }, { y, x - 1 }, { y, x + 1 } };
          for (int k = 0; k < 4; k++)
            if (neighbour[k][0] >= 0 && neighbour[k][0] < h && neighbour[k][1] >= 0 && neighbour[k][1] < w)
              sum += field[neighbour[k][0] * w + neighbour[k][1]], n++;
          next[i] = hole[i] ? sum / n : field[i];
        }
      memcpy (field, next, sizeof (double) * h * w);
    }
}

static gboolean
blobs (int64_t y, int64_t x)
{
  return (y - 8) * (y - 8) + (x - 3) * (x - 3) < 40 || (y > 10 && y < 17 && x > 9 && x < 20) || g_test_rand_bit ();
}

/* One and two pixels wide: no cell of the coarser grids is free, the finest level is solved alone. */
static gboolean
strokes (int64_t y, int64_t x)
{
  return x == y || (y >= 3 && y <= 4 && x >= 3) || (x == 21 && y > 4); /* rows 3 and 4 straddle the grid */
}

/* A random hole that touches the image's edge (where no flux crosses) in a small image, random
 * differences: the fill is shifted by exactly the naive membrane of the differences. */
static void
test_seamless_fill_vs_naive (gconstpointer data)
{
  gboolean (*in_hole) (int64_t, int64_t) = data;
  const int64_t h = 20, w = 24, plane = h * w;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, h, w);
  g_autoptr (AtelierTensor) fill = test_random_4d (1, 3, h, w);
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, h, w, &error);
  for (int64_t i = 0; i < atelier_tensor_numel (image); i++)
    image->data[i] = 0.5f + 0.2f * image->data[i], fill->data[i] = 0.5f + 0.2f * fill->data[i];
  g_autofree gboolean *hole = g_new0 (gboolean, plane);
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      if (in_hole (y, x))
        hole[y * w + x] = TRUE, selection->data[y * w + x] = y % 2 ? 1.0f : 0.4f; /* any value above 0 */
  g_autoptr (AtelierTensor) original = atelier_tensor_copy (fill, &error);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_assert_true (atelier_seamless_fill (ctx, fill, image, selection, &error));
  g_assert_no_error (error);
  g_autofree float *border = g_new (float, plane);
  g_autofree double *membrane = g_new (double, plane);
  float largest = 0;
  for (int c = 0; c < 3; c++)
    {
      for (int64_t i = 0; i < plane; i++)
        border[i] = image->data[c * plane + i] - original->data[c * plane + i];
      naive_membrane (border, hole, h, w, membrane);
      for (int64_t i = 0; i < plane; i++)
        {
          const double expected = hole[i] ? original->data[c * plane + i] + membrane[i] : image->data[c * plane + i];
          largest = MAX (largest, fabs (fill->data[c * plane + i] - expected));
        }
    }
  g_test_message ("largest difference from the naive membrane %g", largest);
  g_assert_cmpfloat (largest, <, 5e-5);
}

/* A linear difference is harmonic, so a fill that differs from the image by a ramp is shifted by that
 * very ramp: the large hole tests the convergence far from the border. */
static void
test_seamless_fill_ramp (void)
{
  const int64_t h = 160, w = 200, plane = h * w;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) fill = test_random_4d (1, 3, h, w);
  g_autoptr (AtelierTensor) image = atelier_tensor_new_like (fill, &error);
  g_autoptr (AtelierTensor) expected = atelier_tensor_new_like (fill, &error);
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, h, w, &error);
  for (int c = 0; c < 3; c++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          const int64_t i = c * plane + y * w + x;
          fill->data[i] = 0.5f + 0.1f * fill->data[i];
          image->data[i] = fill->data[i] + 0.1f * (c - 1) + 0.001f * (float) x - 0.0012f * (float) y;
          expected->data[i] = image->data[i];
        }
  for (int64_t y = 15; y < 145; y++)
    for (int64_t x = 20; x < 180; x++)
      if ((y - 80) * (y - 80) + (x - 100) * (x - 100) < 70 * 70 || x < 60)
        selection->data[y * w + x] = 1.0f, image->data[y * w + x] = 0.0f; /* what the hole held is ignored */
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_assert_true (atelier_seamless_fill (ctx, fill, image, selection, &error));
  g_assert_no_error (error);
  g_test_message ("largest error %g", test_max_abs_diff (fill, expected));
  g_assert_cmpfloat (test_max_abs_diff (fill, expected), <, 1e-4);
}

static void
test_seamless_fill_edge_cases (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, 8, 9);
  g_autoptr (AtelierTensor) fill = test_random_4d (1, 3, 8, 9);
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, 8, 9, &error);
  for (int64_t i = 0; i < atelier_tensor_numel (fill); i++)
    fill->data[i] = 2.0f * fill->data[i]; /* partly outside 0..1 */

  /* Everything selected: no border to meet, the fill is only clamped. */
  atelier_tensor_fill (selection, 1.0f);
  g_autoptr (AtelierTensor) everything = atelier_tensor_copy (fill, &error);
  g_assert_true (atelier_seamless_fill (ctx, everything, image, selection, &error));
  for (int64_t i = 0; i < atelier_tensor_numel (fill); i++)
    g_assert_cmpfloat (everything->data[i], ==, CLAMP (fill->data[i], 0.0f, 1.0f));

  /* Nothing selected: the image itself. */
  atelier_tensor_fill (selection, 0.0f);
  g_autoptr (AtelierTensor) nothing = atelier_tensor_copy (fill, &error);
  g_assert_true (atelier_seamless_fill (ctx, nothing, image, selection, &error));
  for (int64_t i = 0; i < atelier_tensor_numel (fill); i++)
    g_assert_cmpfloat (fabsf (nothing->data[i] - CLAMP (image->data[i], 0.0f, 1.0f)), <=, FLT_EPSILON); /* fill + (image - fill) rounds */

  g_autoptr (AtelierTensor) small = atelier_tensor_new_4d (1, 1, 8, 8, &error);
  g_assert_false (atelier_seamless_fill (ctx, fill, image, small, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

/* ---------------------------------------------------------------- v2: the scene vector */

/* The tiny random-weight v2 model of golden/make-unet-v2-golden.py, and its goldens into *@golden. */
static AtelierUNet *
open_tiny_v2 (AtelierSafetensors **golden)
{
  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "golden", "unet-v2-tiny.json", NULL);
  g_autofree char *golden_path = g_test_build_filename (G_TEST_DIST, "golden", "unet-v2-golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierModel) model = atelier_model_open (manifest, &error);
  g_assert_no_error (error);
  AtelierUNet *unet = atelier_unet_new (model, &error);
  g_assert_no_error (error);
  *golden = atelier_safetensors_open (golden_path, &error);
  g_assert_no_error (error);
  return unet;
}

/* The tiny v2 model against PyTorch: with scenes (one of them
 * zero), without (NULL is the zero vector), and the committed v1 model, which has no scene map and ignores
 * them. */
static void
test_v2_scene_forward (void)
{
  g_autoptr (AtelierSafetensors) golden = NULL;
  g_autoptr (AtelierUNet) unet = open_tiny_v2 (&golden);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_assert_cmpint (atelier_unet_get_scene_channels (unet), ==, 4);
  g_assert_cmpint (atelier_unet_label_index (unet, "velvet", &error), ==, 12);
  g_assert_cmpint (atelier_unet_label_index (unet, "wood", &error), ==, 3);
  g_autoptr (AtelierTensor) input = test_golden_tensor (golden, "input");
  g_autoptr (AtelierTensor) timesteps = test_golden_tensor (golden, "timesteps");
  g_autoptr (AtelierTensor) label_values = test_golden_tensor (golden, "labels");
  g_autoptr (AtelierTensor) scenes = test_golden_tensor (golden, "scenes");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (golden, "output");
  g_autoptr (AtelierTensor) expected_plain = test_golden_tensor (golden, "output_without_scene");
  int labels[3];
  for (int i = 0; i < 3; i++)
    labels[i] = (int) label_values->data[i];
  g_autoptr (AtelierTensor) output = atelier_unet_forward_scene (ctx, unet, input, timesteps->data, labels,
                                                                 scenes->data, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) plain = atelier_unet_forward (ctx, unet, input, timesteps->data, labels, &error);
  g_assert_no_error (error);
  g_test_message ("v2 forward: max abs diff %g with scenes, %g without (magnitude %g); scenes move it by %g",
                  test_max_abs_diff (output, expected), test_max_abs_diff (plain, expected_plain),
                  test_max_abs (expected), test_max_abs_diff (expected, expected_plain));
  /* Measured 6e-7 and 7e-7; about 15x that. */
  test_assert_close (output, expected, 1e-5f);
  test_assert_close (plain, expected_plain, 1e-5f);
  /* The golden outputs must differ where the scene does (samples 0 and 2) for the test to mean anything. */
  g_assert_cmpfloat (test_max_abs_diff (expected, expected_plain), >, 1e-2f);
}

/* A guided run of the tiny v2 model with a scene, against models/unet/sampling.py: the scene must reach the
 * conditional pass and not the unconditional one, or the guided difference between them would differ. Without
 * the scene the run lands elsewhere, so the comparison tells the two apart. */
static void
test_v2_scene_sampling (void)
{
  g_autoptr (AtelierSafetensors) golden = NULL;
  g_autoptr (AtelierUNet) unet = open_tiny_v2 (&golden);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) noise = test_golden_tensor (golden, "noise");
  g_autoptr (AtelierTensor) known = test_golden_tensor (golden, "known");
  g_autoptr (AtelierTensor) mask = test_golden_tensor (golden, "mask");
  g_autoptr (AtelierTensor) scenes = test_golden_tensor (golden, "scenes");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (golden, "sampled_with_scene");
  AtelierSamplerParams p = atelier_sampler_params_default ();
  p.kind = ATELIER_SAMPLER_DPMPP_2M;
  p.steps = 5;
  p.guidance = 3.0f;
  p.label = atelier_unet_label_index (unet, "velvet", &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) with_scene = atelier_latent_diffusion_sample (ctx, unet, &p, scenes->data, known, mask,
                                                                         noise, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) without = atelier_latent_diffusion_sample (ctx, unet, &p, NULL, known, mask, noise, &error);
  g_assert_no_error (error);
  g_test_message ("v2 sampling with a scene: max abs diff %g (magnitude %g); without the scene %g away",
                  test_max_abs_diff (with_scene, expected), test_max_abs (expected),
                  test_max_abs_diff (without, expected));
  test_assert_close (with_scene, expected, 1e-5f);
  g_assert_cmpfloat (test_max_abs_diff (without, expected), >, 1e-2f);
}

static void
test_v1_ignores_scenes (Fixture *f, gconstpointer data)
{
  (void) data;
  g_assert_cmpint (atelier_unet_get_scene_channels (f->unet), ==, 0);
  g_autoptr (AtelierTensor) input = test_golden_tensor (f->golden, "forward_input");
  g_autoptr (AtelierTensor) timesteps = test_golden_tensor (f->golden, "forward_timesteps");
  const int labels[2] = { 0, 3 };
  const float scenes[8] = { 1, 1, 1, 1, -1, 0.5f, 1, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) a = atelier_unet_forward_scene (f->ctx, f->unet, input, timesteps->data, labels, scenes,
                                                            &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) b = atelier_unet_forward (f->ctx, f->unet, input, timesteps->data, labels, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (test_max_abs_diff (a, b), ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/diffusion/noise/seeded-normal", test_noise);
  g_test_add_func ("/diffusion/pipeline/inpaint", test_inpaint_pipeline);
  g_test_add_func ("/diffusion/pipeline/generate-size", test_generate_size);
  g_test_add_data_func ("/diffusion/seamless-fill/vs-naive-membrane/blobs", blobs, test_seamless_fill_vs_naive);
  g_test_add_data_func ("/diffusion/seamless-fill/vs-naive-membrane/strokes", strokes, test_seamless_fill_vs_naive);
  g_test_add_func ("/diffusion/seamless-fill/ramp", test_seamless_fill_ramp);
  g_test_add_func ("/diffusion/seamless-fill/edge-cases", test_seamless_fill_edge_cases);
  g_test_add ("/diffusion/unet/forward-vs-pytorch", Fixture, NULL, setup, test_forward, teardown);
  g_test_add ("/diffusion/unet/bad-input", Fixture, NULL, setup, test_bad_input, teardown);
  g_test_add_func ("/diffusion/unet/v2/scene-forward-vs-pytorch", test_v2_scene_forward);
  g_test_add_func ("/diffusion/unet/v2/scene-sampling-vs-pytorch", test_v2_scene_sampling);
  g_test_add ("/diffusion/unet/v2/v1-ignores-scenes", Fixture, NULL, setup, test_v1_ignores_scenes, teardown);
  g_test_add ("/diffusion/sampler/timesteps", Fixture, NULL, setup, test_timesteps, teardown);
  g_test_add ("/diffusion/sampler/dpmpp-2m-generation-vs-pytorch", Fixture, NULL, setup,
              test_sampler_dpmpp_generation, teardown);
  g_test_add ("/diffusion/sampler/ddim-inpaint-strength-vs-pytorch", Fixture, NULL, setup,
              test_sampler_ddim_inpaint_strength, teardown);
  g_test_add ("/diffusion/sampler/dpmpp-2m-inpaint-vs-pytorch", Fixture, NULL, setup, test_sampler_dpmpp_inpaint,
              teardown);
  g_test_add ("/diffusion/sampler/ddim-eta-seeded", Fixture, NULL, setup, test_sampler_ddim_eta_seeded, teardown);
  g_test_add ("/diffusion/sampler/cancel", Fixture, NULL, setup, test_cancel, teardown);
  for (guint i = 0; i < G_N_ELEMENTS (linear_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/diffusion/sampler/linear-denoiser/%s", linear_cases[i].name);
      g_test_add_data_func (path, &linear_cases[i], test_sampler_linear_denoiser);
    }
  return g_test_run ();
}
