/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-named-value.h"
#include "ops/vector-exp.h"

#include <math.h>

static const AtelierNamedValue activation_names[] = {
  { "none", ATELIER_ACTIVATION_NONE },
  { "relu", ATELIER_ACTIVATION_RELU },
  { "leaky_relu", ATELIER_ACTIVATION_LEAKY_RELU },
  { "silu", ATELIER_ACTIVATION_SILU },
  { "gelu", ATELIER_ACTIVATION_GELU },
  { "gelu_tanh", ATELIER_ACTIVATION_GELU_TANH },
  { "sigmoid", ATELIER_ACTIVATION_SIGMOID },
  { "tanh", ATELIER_ACTIVATION_TANH },
};

gboolean
atelier_activation_from_name (const char *name, AtelierActivation *activation, GError **error)
{
  int value;
  if (!atelier_named_value_lookup (activation_names, G_N_ELEMENTS (activation_names), "activation", name,
                                   &value, error))
    return FALSE;
  *activation = value;
  return TRUE;
}

/* x * sigmoid(x) (SiLU) or sigmoid(x), exp(-x) a block at a time through the vectorised exp: the U-Net's
 * every GroupNorm is followed by SiLU. */
static void
apply_logistic (float *x, gint64 n, gboolean times_input)
{
  float e[256];
  for (gint64 start = 0; start < n; start += (gint64) G_N_ELEMENTS (e))
    {
      const gint64 m = MIN ((gint64) G_N_ELEMENTS (e), n - start);
      float *v = x + start;
      for (gint64 i = 0; i < m; i++)
        e[i] = -v[i];
      atelier_exp_inplace (e, m);
      for (gint64 i = 0; i < m; i++)
        {
          const float s = 1.0f / (1.0f + e[i]);
          v[i] = times_input ? v[i] * s : s;
        }
    }
}

void
atelier_activation_apply (float *x, gint64 n, AtelierActivation activation, float alpha)
{
  switch (activation)
    {
    case ATELIER_ACTIVATION_NONE:
      break;
    case ATELIER_ACTIVATION_RELU:
      for (gint64 i = 0; i < n; i++)
        x[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    case ATELIER_ACTIVATION_LEAKY_RELU:
      for (gint64 i = 0; i < n; i++)
        x[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
      break;
    case ATELIER_ACTIVATION_SILU:
      apply_logistic (x, n, TRUE);
      break;
    case ATELIER_ACTIVATION_GELU:
      for (gint64 i = 0; i < n; i++)
        x[i] = 0.5f * x[i] * (1.0f + erff (x[i] * 0.70710678118654752f));
      break;
    case ATELIER_ACTIVATION_GELU_TANH:
      for (gint64 i = 0; i < n; i++)
        {
          const float k = 0.7978845608028654f; /* sqrt(2/pi) */
          float v = x[i];
          x[i] = 0.5f * v * (1.0f + tanhf (k * (v + 0.044715f * v * v * v)));
        }
      break;
    case ATELIER_ACTIVATION_SIGMOID:
      apply_logistic (x, n, FALSE);
      break;
    case ATELIER_ACTIVATION_TANH:
      for (gint64 i = 0; i < n; i++)
        x[i] = tanhf (x[i]);
      break;
    }
}

typedef struct
{
  float *data;
  gint64 count;
  gint64 chunk;
  AtelierActivation activation;
  float alpha;
} ActivationJob;

static void
activation_chunk (gint64 item, int worker, gpointer p)
{
  (void) worker;
  ActivationJob *job = p;
  gint64 start = item * job->chunk;
  atelier_activation_apply (job->data + start, MIN (job->chunk, job->count - start),
                            job->activation, job->alpha);
}

void
atelier_activation_inplace (AtelierContext *ctx, AtelierTensor *x,
                            AtelierActivation activation, float alpha)
{
  /* Transcendental activations cost ~20 ns an element: worth two threads on
   * anything larger than a small feature map. */
  const gint64 chunk = 1 << 16;
  ActivationJob job = { x->data, atelier_tensor_numel (x), chunk, activation, alpha };
  atelier_context_parallel_for (ctx, (job.count + chunk - 1) / chunk, activation_chunk, &job);
}
