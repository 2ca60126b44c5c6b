/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"

#include <math.h>

/* Four running sums, so that the additions do not wait on one another. */
static double
sum_of (const float *x, gint64 count, double centre, gboolean squares)
{
  double s[4] = { 0.0, 0.0, 0.0, 0.0 };
  gint64 i = 0;
  for (; i + 4 <= count; i += 4)
    for (int l = 0; l < 4; l++)
      {
        const double v = x[i + l] - centre;
        s[l] += squares ? v * v : v;
      }
  for (; i < count; i++)
    {
      const double v = x[i] - centre;
      s[0] += squares ? v * v : v;
    }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

/* Mean and variance in double: a group of a 256x256 feature map holds
 * millions of values, and single-precision sums lose the variance. */
static void
normalize_run (const float *src, float *dst, gint64 count, float eps,
               const float *gamma, const float *beta, gint64 channel_size)
{
  const double mean = sum_of (src, count, 0.0, FALSE) / count;
  const double variance = sum_of (src, count, mean, TRUE) / count;
  const float inv_std = (float) (1.0 / sqrt (variance + eps));
  const float m = (float) mean;
  if (channel_size == 1)
    {
      /* Layer norm: an affine pair per position. */
      for (gint64 i = 0; i < count; i++)
        dst[i] = (src[i] - m) * inv_std * (gamma ? gamma[i] : 1.0f) + (beta ? beta[i] : 0.0f);
      return;
    }
  /* Group norm: one affine pair per channel, folded with the normalisation into one multiply-add. */
  for (gint64 c = 0; c * channel_size < count; c++)
    {
      const float scale = inv_std * (gamma ? gamma[c] : 1.0f);
      const float shift = (beta ? beta[c] : 0.0f) - m * scale;
      const float *from = src + c * channel_size;
      float *to = dst + c * channel_size;
      for (gint64 i = 0; i < channel_size; i++)
        to[i] = from[i] * scale + shift;
    }
}

typedef struct
{
  const AtelierTensor *input;
  AtelierTensor *output;
  gint64 run_length;     /* values normalised together */
  gint64 channel_size;   /* values sharing one gamma/beta */
  gint64 runs_per_batch; /* groups (group norm) */
  gint64 channels_per_run;
  const float *gamma, *beta;
  float eps;
  gboolean per_element_affine; /* layer norm: gamma indexed by position in the run */
} NormJob;

static void
normalize_item (gint64 item, int worker, gpointer data)
{
  (void) worker;
  NormJob *job = data;
  const gint64 offset = item * job->run_length;
  const gint64 first_channel = job->per_element_affine ? 0 : (item % job->runs_per_batch) * job->channels_per_run;
  normalize_run (job->input->data + offset, job->output->data + offset, job->run_length, job->eps,
                 job->gamma ? job->gamma + first_channel : NULL,
                 job->beta ? job->beta + first_channel : NULL, job->channel_size);
}

static gboolean
check_affine (const AtelierTensor *t, const char *what, gint64 size, GError **error)
{
  return t == NULL || atelier_tensor_check_shape (t, what, 1, (const int64_t[]) { size }, error);
}

AtelierTensor *
atelier_group_norm (AtelierContext *ctx, const AtelierTensor *input, int groups,
                    const AtelierTensor *gamma, const AtelierTensor *beta, float eps, GError **error)
{
  if (input->rank < 2 || groups < 1 || input->shape[1] % groups != 0)
    {
      g_autofree char *s = atelier_tensor_shape_string (input);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "group norm with %d groups does not fit input %s", groups, s);
      return NULL;
    }
  const gint64 channels = input->shape[1];
  if (!check_affine (gamma, "group norm weight", channels, error) || !check_affine (beta, "group norm bias", channels, error))
    return NULL;
  AtelierTensor *output = atelier_tensor_new_like (input, error);
  if (output == NULL)
    return NULL;
  gint64 spatial = 1;
  for (int i = 2; i < input->rank; i++)
    spatial *= input->shape[i];
  NormJob job = {
    .input = input, .output = output, .eps = eps,
    .run_length = channels / groups * spatial, .channel_size = spatial,
    .runs_per_batch = groups, .channels_per_run = channels / groups,
    .gamma = gamma ? gamma->data : NULL, .beta = beta ? beta->data : NULL,
  };
  atelier_context_parallel_for (ctx, input->shape[0] * groups, normalize_item, &job);
  return output;
}

AtelierTensor *
atelier_layer_norm (AtelierContext *ctx, const AtelierTensor *input,
                    const AtelierTensor *gamma, const AtelierTensor *beta, float eps, GError **error)
{
  const gint64 d = input->shape[input->rank - 1];
  if (!check_affine (gamma, "layer norm weight", d, error) || !check_affine (beta, "layer norm bias", d, error))
    return NULL;
  AtelierTensor *output = atelier_tensor_new_like (input, error);
  if (output == NULL)
    return NULL;
  NormJob job = {
    .input = input, .output = output, .eps = eps,
    .run_length = d, .channel_size = 1, .runs_per_batch = 1, .channels_per_run = d,
    .gamma = gamma ? gamma->data : NULL, .beta = beta ? beta->data : NULL,
    .per_element_affine = TRUE,
  };
  atelier_context_parallel_for (ctx, atelier_tensor_numel (input) / MAX (d, 1), normalize_item, &job);
  return output;
}

gboolean
atelier_batch_norm_fold (AtelierTensor *weight, AtelierTensor *bias,
                         const AtelierTensor *gamma, const AtelierTensor *beta,
                         const AtelierTensor *mean, const AtelierTensor *var, float eps, GError **error)
{
  const gint64 cout = weight->shape[0];
  if (!check_affine (bias, "folded convolution bias", cout, error)
      || !check_affine (gamma, "batch norm weight", cout, error) || !check_affine (beta, "batch norm bias", cout, error)
      || !check_affine (mean, "batch norm running mean", cout, error)
      || !check_affine (var, "batch norm running variance", cout, error))
    return FALSE;
  const gint64 per_channel = atelier_tensor_numel (weight) / MAX (cout, 1);
  for (gint64 c = 0; c < cout; c++)
    if (!(var->data[c] + eps > 0.0f))
      {
        g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT,
                     "batch norm running variance of channel %" G_GINT64_FORMAT " is negative or NaN", c);
        return FALSE;
      }
  for (gint64 c = 0; c < cout; c++)
    {
      /* bn(conv(x)) = s * (w x + b - mean) + beta with s = gamma / sqrt(var + eps) */
      const float s = gamma->data[c] / sqrtf (var->data[c] + eps);
      for (gint64 i = 0; i < per_channel; i++)
        weight->data[c * per_channel + i] *= s;
      bias->data[c] = s * (bias->data[c] - mean->data[c]) + beta->data[c];
    }
  return TRUE;
}
