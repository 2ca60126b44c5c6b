/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Kernels. Each takes the context first and a GError last; each allocates and
 * returns its result unless its name ends in _inplace. Rank-4 tensors are NCHW.
 * tests/reference/ holds a naive implementation of every one of them. */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* ---------------------------------------------------------------- activations */

typedef enum
{
  ATELIER_ACTIVATION_NONE,
  ATELIER_ACTIVATION_RELU,
  ATELIER_ACTIVATION_LEAKY_RELU, /* slope = alpha */
  ATELIER_ACTIVATION_SILU,
  ATELIER_ACTIVATION_GELU,       /* exact, with erf */
  ATELIER_ACTIVATION_GELU_TANH,  /* the tanh approximation */
  ATELIER_ACTIVATION_SIGMOID,
  ATELIER_ACTIVATION_TANH,
} AtelierActivation;

void atelier_activation_apply (float *values, gint64 count, AtelierActivation activation, float alpha);
void atelier_activation_inplace (AtelierContext *ctx, AtelierTensor *x,
                                 AtelierActivation activation, float alpha);
/* Parses "relu", "leaky_relu", "silu", "gelu", "gelu_tanh", "sigmoid", "tanh", "none". */
gboolean atelier_activation_from_name (const char *name, AtelierActivation *activation, GError **error);

/* ---------------------------------------------------------------- convolution */

typedef struct
{
  int stride_h, stride_w;
  int pad_top, pad_bottom, pad_left, pad_right; /* zero padding */
  int dilation_h, dilation_w;
  int groups;
  AtelierActivation activation; /* fused after the bias */
  float activation_alpha;
} AtelierConv2dParams;

/* Stride, symmetric padding and dilation the same along both axes, one group,
 * no activation. */
AtelierConv2dParams atelier_conv2d_params (int stride, int padding, int dilation);

/* input (N, Cin, H, W), weight (Cout, Cin/groups, KH, KW), bias (Cout) or NULL.
 * im2col + sgemm over chunks of output positions, so the scratch memory stays
 * within the context's workspace whatever the image size; 1x1 stride-1
 * convolutions are a plain sgemm on the input, depthwise ones a direct loop. */
AtelierTensor *atelier_conv2d (AtelierContext *ctx, const AtelierTensor *input,
                               const AtelierTensor *weight, const AtelierTensor *bias,
                               const AtelierConv2dParams *params, GError **error);
/* The same into @output (N, Cout, OH, OW), which may be a view into a larger
 * tensor, such as the next channels of a dense block's growing concatenation. */
gboolean atelier_conv2d_into (AtelierContext *ctx, const AtelierTensor *input, const AtelierTensor *weight,
                              const AtelierTensor *bias, const AtelierConv2dParams *params, AtelierTensor *output,
                              GError **error);

typedef struct
{
  int stride_h, stride_w;
  int pad_h, pad_w;
  int output_pad_h, output_pad_w;
  int dilation_h, dilation_w;
  int groups;
} AtelierConvTranspose2dParams;

AtelierConvTranspose2dParams atelier_conv_transpose2d_params (int stride, int padding, int output_padding);

/* input (N, Cin, H, W), weight (Cin, Cout/groups, KH, KW) as in PyTorch, bias (Cout) or NULL. */
AtelierTensor *atelier_conv_transpose2d (AtelierContext *ctx, const AtelierTensor *input,
                                         const AtelierTensor *weight, const AtelierTensor *bias,
                                         const AtelierConvTranspose2dParams *params, GError **error);

/* Folds an inference batch norm that follows a convolution into the
 * convolution: weight (Cout, ...) and bias (Cout) are rewritten in place. */
gboolean atelier_batch_norm_fold (AtelierTensor *weight, AtelierTensor *bias,
                                  const AtelierTensor *gamma, const AtelierTensor *beta,
                                  const AtelierTensor *running_mean, const AtelierTensor *running_var,
                                  float eps, GError **error);

/* ---------------------------------------------------------------- resampling */

typedef enum
{
  /* PyTorch's pixel_shuffle: input channel c*r*r + i*r + j. */
  ATELIER_DEPTH_TO_SPACE_CHANNEL_FIRST,
  /* TensorFlow's depth_to_space on NHWC data: input channel (i*r + j)*C + c. */
  ATELIER_DEPTH_TO_SPACE_CHANNEL_LAST,
} AtelierDepthToSpaceOrder;

AtelierTensor *atelier_pixel_shuffle (AtelierContext *ctx, const AtelierTensor *input, int factor,
                                      AtelierDepthToSpaceOrder order, GError **error);

typedef enum
{
  ATELIER_RESIZE_NEAREST,  /* source index floor(dst * in / out), as PyTorch's "nearest" */
  ATELIER_RESIZE_BILINEAR, /* half-pixel centres (align_corners = false) */
  ATELIER_RESIZE_BICUBIC,  /* half-pixel centres, Keys a = -0.75, edge clamped, as PyTorch */
} AtelierResizeMode;

gboolean atelier_resize_mode_from_name (const char *name, AtelierResizeMode *mode, GError **error);

AtelierTensor *atelier_resize (AtelierContext *ctx, const AtelierTensor *input,
                               gint64 out_h, gint64 out_w, AtelierResizeMode mode, GError **error);
/* The same into @output (N, C, out_h, out_w), which may be a view into a larger
 * tensor, such as the first channels of a decoder's concatenation. */
gboolean atelier_resize_into (AtelierContext *ctx, const AtelierTensor *input, AtelierResizeMode mode,
                              AtelierTensor *output, GError **error);
/* Area resampling (OpenCV's INTER_AREA): each output pixel is the mean of the
 * source area it covers, so shrinking by any factor does not alias. */
AtelierTensor *atelier_resize_area (AtelierContext *ctx, const AtelierTensor *input, gint64 out_h, gint64 out_w,
                                    GError **error);

typedef enum
{
  ATELIER_POOL_MAX,
  ATELIER_POOL_AVERAGE,
} AtelierPoolMode;

typedef struct
{
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  int pad_h, pad_w;
  gboolean count_include_pad; /* average pooling: divide by the full window, as PyTorch's default */
  gboolean ceil_mode;         /* output size rounded up, the last window clipped at the edge, as PyTorch's */
} AtelierPool2dParams;

AtelierTensor *atelier_pool2d (AtelierContext *ctx, const AtelierTensor *input,
                               AtelierPoolMode mode, const AtelierPool2dParams *params, GError **error);

/* ---------------------------------------------------------------- normalisation */

/* input (N, C, ...) with C divisible by @groups; gamma, beta (C) or NULL. */
AtelierTensor *atelier_group_norm (AtelierContext *ctx, const AtelierTensor *input, int groups,
                                   const AtelierTensor *gamma, const AtelierTensor *beta,
                                   float eps, GError **error);

/* Normalises over the last dimension; gamma, beta (D) or NULL. */
AtelierTensor *atelier_layer_norm (AtelierContext *ctx, const AtelierTensor *input,
                                   const AtelierTensor *gamma, const AtelierTensor *beta,
                                   float eps, GError **error);

/* ---------------------------------------------------------------- dense */

/* input (..., in), weight (out, in), bias (out) or NULL -> (..., out). */
AtelierTensor *atelier_linear (AtelierContext *ctx, const AtelierTensor *input,
                               const AtelierTensor *weight, const AtelierTensor *bias, GError **error);

/* Softmax over the last dimension. */
void atelier_softmax_inplace (AtelierContext *ctx, AtelierTensor *x);

/* softmax(q k^T * scale) v per batch: q (B, Lq, D), k (B, Lk, D), v (B, Lk, Dv)
 * -> (B, Lq, Dv). @scale <= 0 means 1/sqrt(D). Queries are processed in chunks
 * so the score matrix stays within the context's workspace. */
AtelierTensor *atelier_attention (AtelierContext *ctx, const AtelierTensor *q, const AtelierTensor *k,
                                  const AtelierTensor *v, float scale, GError **error);

/* ---------------------------------------------------------------- elementwise */

/* NumPy broadcasting (dimensions aligned from the right). */
AtelierTensor *atelier_add (AtelierContext *ctx, const AtelierTensor *a, const AtelierTensor *b, GError **error);
AtelierTensor *atelier_mul (AtelierContext *ctx, const AtelierTensor *a, const AtelierTensor *b, GError **error);
/* a += b or a *= b, where b broadcasts to a's shape. */
gboolean atelier_add_inplace (AtelierContext *ctx, AtelierTensor *a, const AtelierTensor *b, GError **error);
gboolean atelier_mul_inplace (AtelierContext *ctx, AtelierTensor *a, const AtelierTensor *b, GError **error);
void atelier_scale_inplace (AtelierTensor *x, float scale, float shift);

/* Concatenates tensors of equal rank whose shapes differ only along @axis. */
AtelierTensor *atelier_concat (AtelierContext *ctx, const AtelierTensor *const *tensors, int count,
                               int axis, GError **error);

G_END_DECLS
