/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "diffusion/atelier-sampler.h"

#include "core/atelier-error.h"
#include "core/atelier-named-value.h"
#include "diffusion/atelier-noise.h"

#include <math.h>
#include <string.h>

static const AtelierNamedValue sampler_names[] = {
  { "ddim", ATELIER_SAMPLER_DDIM },
  { "dpmpp-2m", ATELIER_SAMPLER_DPMPP_2M },
};

gboolean
atelier_sampler_kind_from_name (const char *name, AtelierSamplerKind *kind, GError **error)
{
  int value;
  if (!atelier_named_value_lookup (sampler_names, G_N_ELEMENTS (sampler_names), "sampler", name, &value, error))
    return FALSE;
  *kind = value;
  return TRUE;
}

AtelierSamplerParams
atelier_sampler_params_default (void)
{
  return (AtelierSamplerParams) { .kind = ATELIER_SAMPLER_DPMPP_2M, .steps = 20, .eta = 0.0f, .guidance = 3.0f,
                                  .strength = 1.0f, .label = 1, .seed = 0 };
}

int *
atelier_sampler_timesteps (int schedule_steps, int steps, int *count)
{
  *count = CLAMP (steps, 1, schedule_steps);
  int *t = g_new (int, *count);
  for (int i = 0; i < *count; i++)
    t[i] = (int) lround (schedule_steps - (double) i * schedule_steps / *count) - 1;
  return t;
}

/* ---------------------------------------------------------------- one denoising evaluation */

typedef struct
{
  AtelierContext *ctx;
  const AtelierDenoiser *denoiser;
  const AtelierSamplerParams *params;
  int batch;               /* 2 with guidance (conditional, unconditional), else 1 */
  int64_t latent_count;    /* L h w */
  int64_t plane;           /* h w */
  const float *known;      /* (L, h, w) */
  const float *mask;       /* (h, w), 1 = generate */
  const double *alphas_cumprod;
} Estimator;

/* The denoiser's estimate x0 of x at timestep t, guided, with the known cells re-imposed. */
static AtelierTensor *
estimate_x0 (Estimator *d, const AtelierTensor *x, int t, GError **error)
{
  const int labels[2] = { d->params->label, 0 };
  g_autoptr (AtelierTensor) out = d->denoiser->denoise (d->ctx, d->denoiser->user_data, x, t, labels, d->batch,
                                                        error);
  if (out == NULL || !atelier_tensor_check_shape (out, "denoiser output", 4,
                                                  (const int64_t[]) { d->batch, x->shape[1], x->shape[2],
                                                                      x->shape[3] }, error))
    return NULL;
  AtelierTensor *x0 = atelier_tensor_new_like (x, error);
  if (x0 == NULL)
    return NULL;
  const double alpha = sqrt (d->alphas_cumprod[t]), sigma = sqrt (1.0 - d->alphas_cumprod[t]);
  const gboolean v_prediction = d->denoiser->prediction == ATELIER_DENOISER_PREDICTS_V;
  const float g = d->params->guidance;
  for (int64_t i = 0; i < d->latent_count; i++)
    {
      float model = out->data[i];
      if (d->batch == 2)
        model = out->data[d->latent_count + i] + g * (model - out->data[d->latent_count + i]);
      const double estimate = v_prediction ? alpha * x->data[i] - sigma * model : (x->data[i] - sigma * model) / alpha;
      const float m = d->mask ? d->mask[i % d->plane] : 1.0f;
      const float known = d->known ? d->known[i] : 0.0f;
      x0->data[i] = d->known ? (float) (m * estimate + (1.0f - m) * known) : (float) estimate;
    }
  return x0;
}

/* ---------------------------------------------------------------- solver steps */

/* DDIM from t to s: x = alpha_s x0 + sqrt(1 - abar_s - sigma^2) eps + sigma z, with eps the noise that x0
 * implies at t and sigma = eta sqrt((1 - abar_s) / (1 - abar_t)) sqrt(1 - abar_t / abar_s). */
static void
ddim_step (AtelierContext *ctx, const Estimator *d, AtelierTensor *x, const AtelierTensor *x0, int t, int s,
           guint64 stream)
{
  const double at = d->alphas_cumprod[t], as = d->alphas_cumprod[s];
  const double sigma = d->params->eta * sqrt ((1 - as) / (1 - at)) * sqrt (1 - at / as);
  const double direction = sqrt (MAX (0.0, 1 - as - sigma * sigma));
  g_autoptr (AtelierTensor) z = NULL;
  if (sigma > 0 && (z = atelier_tensor_new_like (x, NULL)) != NULL)
    atelier_noise_fill_normal (ctx, z, d->params->seed, stream);
  for (int64_t i = 0; i < d->latent_count; i++)
    {
      const double eps = (x->data[i] - sqrt (at) * x0->data[i]) / sqrt (1 - at);
      x->data[i] = (float) (sqrt (as) * x0->data[i] + direction * eps + (z ? sigma * z->data[i] : 0.0));
    }
}

static double
log_snr_half (const Estimator *d, int t)
{
  return 0.5 * log (d->alphas_cumprod[t] / (1 - d->alphas_cumprod[t]));
}

/* DPM-Solver++(2M) from t to s, h = lambda_s - lambda_t with lambda = log(alpha / sigma):
 * x = (sigma_s / sigma_t) x - alpha_s (e^-h - 1) D, D = x0 on the first step, else the second-order
 * combination (1 + 1/2r) x0 - (1/2r) x0_prev with r = h_prev / h. */
static void
dpmpp_2m_step (const Estimator *d, AtelierTensor *x, const AtelierTensor *x0, const AtelierTensor *x0_prev,
               double h_prev, int t, int s, double *h_out)
{
  const double at = d->alphas_cumprod[t], as = d->alphas_cumprod[s];
  const double h = log_snr_half (d, s) - log_snr_half (d, t);
  const double ratio = sqrt ((1 - as) / (1 - at)), coefficient = -sqrt (as) * expm1 (-h);
  const double c_prev = x0_prev ? -1.0 / (2.0 * (h_prev / h)) : 0.0;
  for (int64_t i = 0; i < d->latent_count; i++)
    {
      const double denoised = (1 - c_prev) * x0->data[i] + (x0_prev ? c_prev * x0_prev->data[i] : 0.0);
      x->data[i] = (float) (ratio * x->data[i] + coefficient * denoised);
    }
  *h_out = h;
}

/* ---------------------------------------------------------------- the loop */

static gboolean
check_inputs (const AtelierDenoiser *denoiser, const AtelierSamplerParams *p, const AtelierTensor *known,
              const AtelierTensor *mask, const AtelierTensor *noise, int64_t *h, int64_t *w, GError **error)
{
  const AtelierTensor *shape_source = known ? known : noise ? noise : mask;
  if (shape_source == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "the sampler needs a known latent, a mask or initial noise to take the size from");
      return FALSE;
    }
  *h = shape_source->shape[2];
  *w = shape_source->shape[3];
  const int64_t latent_shape[4] = { 1, denoiser->latent_channels, *h, *w };
  const int64_t mask_shape[4] = { 1, 1, *h, *w };
  if ((known && !atelier_tensor_check_shape (known, "known latent", 4, latent_shape, error))
      || (noise && !atelier_tensor_check_shape (noise, "initial noise", 4, latent_shape, error))
      || (mask && !atelier_tensor_check_shape (mask, "latent mask", 4, mask_shape, error)))
    return FALSE;
  if (p->steps < 1 || p->steps > 1000 || !(p->strength > 0 && p->strength <= 1) || !(p->eta >= 0 && p->eta <= 1)
      || !(p->guidance >= 0 && p->guidance <= 30))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "sampler: steps must be 1..1000, strength in (0, 1], eta in 0..1 and guidance in 0..30");
      return FALSE;
    }
  if ((known && !atelier_tensor_all_finite (known)) || (noise && !atelier_tensor_all_finite (noise)))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "sampler: the input latent is not finite");
      return FALSE;
    }
  return TRUE;
}

AtelierTensor *
atelier_sampler_run (AtelierContext *ctx, const AtelierDenoiser *denoiser, const AtelierSamplerParams *params,
                     const AtelierTensor *known, const AtelierTensor *mask, const AtelierTensor *noise, GError **error)
{
  g_return_val_if_fail (denoiser->denoise != NULL && denoiser->schedule_steps >= 1, NULL);
  int64_t h, w;
  if (!check_inputs (denoiser, params, known, mask, noise, &h, &w, error))
    return NULL;
  Estimator d = { ctx, denoiser, params, params->guidance != 1.0f ? 2 : 1, (int64_t) denoiser->latent_channels * h * w,
                  h * w, known ? known->data : NULL, mask ? mask->data : NULL, denoiser->alphas_cumprod };
  int count;
  g_autofree int *timesteps = atelier_sampler_timesteps (denoiser->schedule_steps, params->steps, &count);
  const int first = count - MAX (1, (int) lround (count * params->strength));

  g_autoptr (AtelierTensor) x = noise ? atelier_tensor_copy (noise, error)
                                      : atelier_tensor_new_4d (1, denoiser->latent_channels, h, w, error);
  if (x == NULL)
    return NULL;
  if (noise == NULL)
    atelier_noise_fill_normal (ctx, x, params->seed, 0);
  const double a0 = d.alphas_cumprod[timesteps[first]];
  for (int64_t i = 0; i < d.latent_count; i++)
    x->data[i] = (float) (sqrt (a0) * (known ? known->data[i] : 0.0f) + sqrt (1 - a0) * x->data[i]);

  g_autoptr (AtelierTensor) x0_prev = NULL;
  double h_prev = 0.0;
  for (int i = first; i < count; i++)
    {
      g_autofree char *label = g_strdup_printf ("Denoising %d/%d", i - first + 1, count - first);
      atelier_context_report_progress (ctx, (double) (i - first) / (count - first), label);
      if (!atelier_context_check_cancelled (ctx, error))
        return NULL;
      g_autoptr (AtelierTensor) x0 = estimate_x0 (&d, x, timesteps[i], error);
      if (x0 == NULL)
        return NULL;
      if (i == count - 1)
        return g_steal_pointer (&x0);
      const int t = timesteps[i], s = timesteps[i + 1];
      if (params->kind == ATELIER_SAMPLER_DDIM)
        ddim_step (ctx, &d, x, x0, t, s, (guint64) i + 1);
      else
        dpmpp_2m_step (&d, x, x0, x0_prev, h_prev, t, s, &h_prev);
      g_clear_pointer (&x0_prev, atelier_tensor_free);
      x0_prev = g_steal_pointer (&x0);
    }
  g_assert_not_reached ();
}
