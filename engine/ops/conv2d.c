/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"
#include "ops/conv2d-paths.h"

AtelierConv2dParams
atelier_conv2d_params (int stride, int padding, int dilation)
{
  return (AtelierConv2dParams) {
    .stride_h = stride, .stride_w = stride,
    .pad_top = padding, .pad_bottom = padding, .pad_left = padding, .pad_right = padding,
    .dilation_h = dilation, .dilation_w = dilation,
    .groups = 1,
    .activation = ATELIER_ACTIVATION_NONE,
    .activation_alpha = 0.0f,
  };
}

void
atelier_conv_finish_rows (const AtelierConvSetup *setup, float *out, gint64 rows, gint64 ld, gint64 count,
                          gint64 first_channel)
{
  for (gint64 r = 0; r < rows; r++)
    {
      float *row = out + r * ld;
      if (setup->bias != NULL)
        {
          const float b = setup->bias[first_channel + r];
          for (gint64 i = 0; i < count; i++)
            row[i] += b;
        }
      atelier_activation_apply (row, count, setup->params->activation, setup->params->activation_alpha);
    }
}

float *
atelier_conv_weights_by_tap (const AtelierConvSetup *setup, GError **error)
{
  const AtelierConvGeometry *g = setup->g;
  const gint64 taps = (gint64) g->kh * g->kw;
  float *by_tap = g_try_malloc (sizeof (float) * g->cout * g->cin_per_group * taps);
  if (by_tap == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory for convolution weights");
      return NULL;
    }
  /* In the order of the writes: strided reads cost less than strided writes. */
  float *to = by_tap;
  for (gint64 group = 0; group < g->groups; group++)
    for (gint64 t = 0; t < taps; t++)
      for (gint64 co = group * g->cout_per_group; co < (group + 1) * g->cout_per_group; co++)
        for (gint64 ci = 0; ci < g->cin_per_group; ci++)
          *to++ = setup->weight[(co * g->cin_per_group + ci) * taps + t];
  return by_tap;
}

static gboolean
geometry_for (AtelierConvGeometry *g, const AtelierTensor *input, const AtelierTensor *weight,
              const AtelierTensor *bias, const AtelierConv2dParams *params, GError **error)
{
  if (!atelier_conv_geometry_init (g, input, weight, bias, params, error))
    return FALSE;
  if (g->out_positions > G_MAXINT || g->in_h * g->in_w > G_MAXINT)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "feature map of %" G_GINT64_FORMAT " positions is too large for one convolution; tile the image",
                   MAX (g->out_positions, g->in_h * g->in_w));
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish (AtelierContext *ctx, const AtelierConvGeometry *g, GError **error)
{
  if (!atelier_context_check_cancelled (ctx, error))
    return FALSE;
  atelier_context_add_flops (ctx, 2.0 * g->batch * g->cout * g->cin_per_group * g->kh * g->kw * g->out_positions);
  return TRUE;
}

/* Winograd's tile for @g (see conv2d-winograd.c), or 0 where a direct path
 * measured faster. OPENBLAS_CORETYPE=Haswell tools/bench-conv.sh 2 3,
 * GFLOP-equivalent per CPU second as a fraction of sgemm's (direct / F(2,3) /
 * F(4,3)): F(4,3) wins from 64 output channels on feature maps of 64 tiles or
 * more (ISNet 64->64 @512 0.77/0.58/0.96, 512->128 @128 0.78/0.78/1.39,
 * 256->512 @64 0.80/1.03/1.72; U-Net 2x64->64 @64 0.83/0.61/1.00,
 * 2x128->128 @32 0.80/0.87/1.26; ESRGAN 192->64 @160 0.87/0.65/1.01). With 32
 * outputs or fewer its output transform, as costly per tile as with many, and
 * sgemm's thin M leave it behind (64->32 @512 0.78/0.40/0.70, 160->32 @160
 * 0.89/0.49/0.91, 32->32 @256 0.69/0.34/0.61). Where few tiles share many
 * weights, F(2,3)'s wider sgemms and 16 transformed weights per pair instead
 * of 36 win (512->512 @32 0.73/1.05/1.02, 512->512 @16 0.41/0.87/0.35, U-Net
 * 2x192->192 @16 0.69/0.95/0.92). */
static int
winograd_tile_for (const AtelierContext *ctx, const AtelierConvGeometry *g)
{
  if (!atelier_context_get_winograd (ctx) || g->kh != 3 || g->kw != 3 || g->stride_h != 1 || g->stride_w != 1
      || g->dilation_h != 1 || g->dilation_w != 1 || g->groups != 1 || g->cin < 32 || g->cout < 64)
    return 0;
  const gint64 pairs = g->cin * g->cout;
  const gint64 tiles4 = g->batch * ((g->out_h + 3) / 4) * ((g->out_w + 3) / 4);
  const gint64 tiles2 = g->batch * ((g->out_h + 1) / 2) * ((g->out_w + 1) / 2);
  if (tiles4 >= 64 && tiles4 * 2048 >= pairs)
    return 4;
  if (tiles2 >= 64 && pairs >= 128 * 128)
    return 2;
  return 0;
}

/* Runs the convolution that @g describes into @output, of the shape @g gives; every path writes every
 * output element. */
static gboolean
convolve (AtelierContext *ctx, const AtelierConvGeometry *g, const AtelierTensor *input,
          const AtelierTensor *weight, const AtelierTensor *bias, const AtelierConv2dParams *params,
          AtelierTensor *output, GError **error)
{
  AtelierConvSetup setup = { ctx, g, params, weight->data, bias ? bias->data : NULL, NULL };
  const gboolean depthwise = g->cin_per_group == 1 && g->cout_per_group == 1;
  /* Stride 1 needs no im2col: shifted taps measured 1.2-1.4x faster than
   * im2col on 3x3 layers of 64-128 channels. Pointwise layers are a plain
   * sgemm inside the im2col path. */
  const gboolean stride_one = g->stride_h == 1 && g->stride_w == 1 && !depthwise
                              && !atelier_conv_geometry_is_pointwise (g);
  const gboolean stack_taps = (g->cout_per_group <= 32 && (g->cin_per_group >= 64 || g->cout_per_group <= 8))
                              || (g->cout_per_group <= 64 && g->cin_per_group >= 64 && g->out_w >= 128);
  const int winograd_tile = winograd_tile_for (ctx, g);
  if (winograd_tile != 0)
    {
      gboolean applicable = FALSE;
      if (atelier_conv2d_winograd (&setup, winograd_tile, input->data, output->data, &applicable, error))
        return finish (ctx, g, error);
      if (applicable)
        return FALSE;
    }
  g_autofree float *tap_weights = NULL;
  if (stride_one && (setup.tap_weights = tap_weights = atelier_conv_weights_by_tap (&setup, error)) == NULL)
    return FALSE;
  /* stack_taps, measured: stacking taps wins where few output channels make
   * sgemm's packing of the input dominate (128->32: 0.60 against 0.54 of
   * sgemm); with more output channels its KH rows of Z outgrow L2 (64->64:
   * 0.40 against 0.57), with fewer input channels the stacked sgemm is too
   * thin (32->32: 0.37 against 0.46), except for the thinnest outputs, such as
   * the final RGB conv of an upscaler, where shifted taps leave M = 3 (slim x4
   * upscale of 256x256: 0.30 s against 0.54 s). Shifted taps take the whole
   * batch at once. Wide layers of 64 outputs from 64 or more inputs stack
   * too: ISNet's, timed in turn on one thread (GFLOP/s, shifted against
   * stacked), 64->64 @512x512 35.0/39.9, 128->64 @512 38.4/43.9, 64->64 @256
   * 31.2/44.8, 256->64 @256 40.6/48.3; with 128 outputs it was even (64->128
   * @256 39.5/39.3) and from 256 on shifted taps won (256->512 @64 48.4/36.7). */
  if (stride_one && !stack_taps)
    {
      gboolean applicable = FALSE;
      if (atelier_conv2d_shifted (&setup, input->data, output->data, &applicable, error))
        return finish (ctx, g, error);
      if (applicable)
        return FALSE;
    }
  for (gint64 n = 0; n < g->batch; n++)
    {
      const float *in = input->data + n * g->cin * g->in_h * g->in_w;
      float *out = output->data + n * g->cout * g->out_positions;
      gboolean done = FALSE;
      if (depthwise)
        {
          atelier_conv2d_depthwise (&setup, in, out);
          done = TRUE;
        }
      else if (stride_one && stack_taps)
        {
          gboolean applicable = FALSE;
          if (!atelier_conv2d_tapstack (&setup, in, out, &applicable, error) && applicable)
            return FALSE;
          done = applicable;
        }
      if (!done && !atelier_conv2d_im2col (&setup, in, out, error))
        return FALSE;
    }
  return finish (ctx, g, error);
}

AtelierTensor *
atelier_conv2d (AtelierContext *ctx, const AtelierTensor *input, const AtelierTensor *weight,
                const AtelierTensor *bias, const AtelierConv2dParams *params, GError **error)
{
  AtelierConvGeometry g;
  if (!geometry_for (&g, input, weight, bias, params, error))
    return NULL;
  g_autoptr (AtelierTensor) output = atelier_tensor_new_uninitialized (4, (const int64_t[]) { g.batch, g.cout, g.out_h, g.out_w }, error);
  if (output == NULL || !convolve (ctx, &g, input, weight, bias, params, output, error))
    return NULL;
  return g_steal_pointer (&output);
}

gboolean
atelier_conv2d_into (AtelierContext *ctx, const AtelierTensor *input, const AtelierTensor *weight,
                     const AtelierTensor *bias, const AtelierConv2dParams *params, AtelierTensor *output,
                     GError **error)
{
  AtelierConvGeometry g;
  return geometry_for (&g, input, weight, bias, params, error)
         && atelier_tensor_check_shape (output, "convolution output", 4,
                                        (const int64_t[]) { g.batch, g.cout, g.out_h, g.out_w }, error)
         && convolve (ctx, &g, input, weight, bias, params, output, error);
}
