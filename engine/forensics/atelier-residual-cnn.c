/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-residual-cnn.h"

#include "core/atelier-error.h"
#include "networks/atelier-conv-layer.h"

#include <math.h>
#include <string.h>

#define LAYERS ATELIER_RESIDUAL_CNN_LAYERS
/* Added to the high-pass's deviation before dividing by it, so that a flat
 * crop is not blown up to unit deviation (residual_cnn.py's 0.1). */
#define DEVIATION_FLOOR 0.1
/* tanh (h / 4): folded into the last layer's weights, exactly (a power of two). */
#define TANH_SCALE 0.25f

struct _AtelierResidualCnn
{
  AtelierTensor *high_pass;       /* (3, 1, 3, 3): each channel's Laplacian */
  AtelierConvLayer convs[LAYERS]; /* (16, 3, 3, 3), then (16, 16, 3, 3); the last times TANH_SCALE */
};

void
atelier_residual_cnn_free (AtelierResidualCnn *cnn)
{
  if (cnn == NULL)
    return;
  atelier_tensor_free (cnn->high_pass);
  for (int i = 0; i < LAYERS; i++)
    atelier_conv_layer_clear (&cnn->convs[i]);
  g_free (cnn);
}

gboolean
atelier_residual_cnn_in_model (const AtelierModel *model)
{
  return atelier_safetensors_lookup (atelier_model_get_weights (model), "cnn.convs.0.weight") != NULL;
}

static AtelierTensor *
laplacian_per_channel (GError **error)
{
  static const float laplacian[9] = { 0, -1, 0, -1, 4, -1, 0, -1, 0 };
  AtelierTensor *t = atelier_tensor_new_4d (3, 1, 3, 3, error);
  for (int c = 0; t != NULL && c < 3; c++)
    memcpy (t->data + c * 9, laplacian, sizeof laplacian);
  return t;
}

AtelierResidualCnn *
atelier_residual_cnn_load (const AtelierModel *model, GError **error)
{
  g_autoptr (AtelierResidualCnn) cnn = g_new0 (AtelierResidualCnn, 1);
  for (int i = 0; i < LAYERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("cnn.convs.%d", i);
      if (!atelier_conv_layer_load (&cnn->convs[i], model, name, ATELIER_RESIDUAL_CNN_CHANNELS,
                                    i == 0 ? 3 : ATELIER_RESIDUAL_CNN_CHANNELS, 3, error))
        return NULL;
    }
  atelier_scale_inplace (cnn->convs[LAYERS - 1].weight, TANH_SCALE, 0);
  atelier_scale_inplace (cnn->convs[LAYERS - 1].bias, TANH_SCALE, 0);
  cnn->high_pass = laplacian_per_channel (error);
  return cnn->high_pass != NULL ? g_steal_pointer (&cnn) : NULL;
}

const char *
atelier_residual_cnn_feature_name (int index)
{
  static const char *const names[ATELIER_RESIDUAL_CNN_FEATURE_COUNT] = {
    "cnn-mean-0", "cnn-mean-1", "cnn-mean-2", "cnn-mean-3", "cnn-mean-4", "cnn-mean-5", "cnn-mean-6", "cnn-mean-7",
    "cnn-mean-8", "cnn-mean-9", "cnn-mean-10", "cnn-mean-11", "cnn-mean-12", "cnn-mean-13", "cnn-mean-14", "cnn-mean-15",
    "cnn-std-0", "cnn-std-1", "cnn-std-2", "cnn-std-3", "cnn-std-4", "cnn-std-5", "cnn-std-6", "cnn-std-7",
    "cnn-std-8", "cnn-std-9", "cnn-std-10", "cnn-std-11", "cnn-std-12", "cnn-std-13", "cnn-std-14", "cnn-std-15",
  };
  g_return_val_if_fail (index >= 0 && index < ATELIER_RESIDUAL_CNN_FEATURE_COUNT, NULL);
  return names[index];
}

/* ---------------------------------------------------------------- crops */

/* 0 and @extent - side: the crops at the image's corners, one when it fits. */
static int
crop_origins (gint64 extent, gint64 side, gint64 origins[2])
{
  origins[0] = 0;
  origins[1] = extent - side;
  return extent > side ? 2 : 1;
}

/* (crops, 3, side_h, side_w) in 0..255, grey repeated in the three channels. */
static AtelierTensor *
read_crops (const AtelierTensor *image, GError **error)
{
  const gint64 channels = atelier_tensor_c (image), height = atelier_tensor_h (image), width = atelier_tensor_w (image);
  const gint64 side_h = MIN (height, ATELIER_RESIDUAL_CNN_CROP), side_w = MIN (width, ATELIER_RESIDUAL_CNN_CROP);
  gint64 tops[2], lefts[2];
  const int rows = crop_origins (height, side_h, tops), columns = crop_origins (width, side_w, lefts);
  AtelierTensor *crops = atelier_tensor_new_4d (rows * columns, 3, side_h, side_w, error);
  if (crops == NULL)
    return NULL;
  const gint64 plane = height * width;
  float *out = crops->data;
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < columns; k++)
      for (int c = 0; c < 3; c++)
        {
          const float *src = image->data + (channels >= 3 ? c : 0) * plane;
          for (gint64 y = 0; y < side_h; y++)
            for (gint64 x = 0; x < side_w; x++)
              *out++ = src[(tops[r] + y) * width + lefts[k] + x] * 255;
        }
  return crops;
}

/* ---------------------------------------------------------------- network */

/* The mean of @count values and their unbiased standard deviation (two passes, as PyTorch's std). */
static double
mean_and_deviation (const float *v, gint64 count, double *deviation)
{
  double sum = 0, squares = 0;
  for (gint64 i = 0; i < count; i++)
    sum += v[i];
  const double mean = sum / count;
  for (gint64 i = 0; i < count; i++)
    squares += (v[i] - mean) * (v[i] - mean);
  *deviation = sqrt (squares / (count - 1));
  return mean;
}

/* Each sample divided by its unbiased standard deviation plus DEVIATION_FLOOR. */
static void
divide_by_deviation (AtelierTensor *h)
{
  const gint64 count = atelier_tensor_numel (h) / h->shape[0];
  for (gint64 n = 0; n < h->shape[0]; n++)
    {
      g_autoptr (AtelierTensor) sample = atelier_tensor_new_view (h->data + n * count, 1, (const int64_t[]) { count });
      double deviation;
      mean_and_deviation (sample->data, count, &deviation);
      atelier_scale_inplace (sample, (float) (1 / (deviation + DEVIATION_FLOOR)), 0);
    }
}

/* (crops, channels, h, w) after tanh -> each channel's mean and unbiased standard deviation, averaged over the crops. */
static void
pool (const AtelierTensor *h, float features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT])
{
  const gint64 crops = h->shape[0], plane = atelier_tensor_h (h) * atelier_tensor_w (h);
  double sums[ATELIER_RESIDUAL_CNN_FEATURE_COUNT] = { 0 };
  for (gint64 n = 0; n < crops; n++)
    for (int c = 0; c < ATELIER_RESIDUAL_CNN_CHANNELS; c++)
      {
        double deviation;
        sums[c] += mean_and_deviation (h->data + (n * ATELIER_RESIDUAL_CNN_CHANNELS + c) * plane, plane, &deviation);
        sums[ATELIER_RESIDUAL_CNN_CHANNELS + c] += deviation;
      }
  for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
    features[f] = (float) (sums[f] / crops);
}

gboolean
atelier_residual_cnn_features (AtelierContext *ctx, const AtelierResidualCnn *cnn, const AtelierTensor *image,
                               float features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT], GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, -1, -1, -1 }, error))
    return FALSE;
  if (atelier_tensor_c (image) < 1 || atelier_tensor_c (image) > 4
      || MIN (atelier_tensor_h (image), atelier_tensor_w (image)) < ATELIER_RESIDUAL_CNN_MIN_SIDE)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "the residual CNN reads images of 1 to 4 channels and at least %dx%d pixels",
                   ATELIER_RESIDUAL_CNN_MIN_SIDE, ATELIER_RESIDUAL_CNN_MIN_SIDE);
      return FALSE;
    }
  g_autoptr (AtelierTensor) crops = read_crops (image, error);
  if (crops == NULL)
    return FALSE;
  AtelierConv2dParams params = atelier_conv2d_params (1, 0, 1);
  params.groups = 3;
  g_autoptr (AtelierTensor) h = atelier_conv2d (ctx, crops, cnn->high_pass, NULL, &params, error);
  if (h == NULL)
    return FALSE;
  divide_by_deviation (h);
  for (int i = 0; i < LAYERS; i++)
    {
      params = atelier_conv2d_params (1, 0, 1);
      params.activation = i < LAYERS - 1 ? ATELIER_ACTIVATION_RELU : ATELIER_ACTIVATION_TANH;
      AtelierTensor *next = atelier_conv2d (ctx, h, cnn->convs[i].weight, cnn->convs[i].bias, &params, error);
      if (next == NULL)
        return FALSE;
      atelier_tensor_free (h);
      h = next;
    }
  pool (h, features);
  return TRUE;
}
