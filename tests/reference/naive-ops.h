/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Naive reference implementations, used only by the tests: each follows the
 * textbook definition output element by output element, in double precision,
 * with no chunking, threading or layout tricks, so that it shares no code and
 * no cleverness with the engine's kernels. */

#include "atelier.h"

double naive_activation (double x, AtelierActivation activation, double alpha);
AtelierTensor *naive_conv2d (const AtelierTensor *input, const AtelierTensor *weight, const AtelierTensor *bias,
                             const AtelierConv2dParams *p);
AtelierTensor *naive_conv_transpose2d (const AtelierTensor *input, const AtelierTensor *weight,
                                       const AtelierTensor *bias, const AtelierConvTranspose2dParams *p);
AtelierTensor *naive_pixel_shuffle (const AtelierTensor *input, int r, AtelierDepthToSpaceOrder order);
AtelierTensor *naive_resize (const AtelierTensor *input, gint64 out_h, gint64 out_w, AtelierResizeMode mode);
AtelierTensor *naive_pool2d (const AtelierTensor *input, AtelierPoolMode mode, const AtelierPool2dParams *p);
AtelierTensor *naive_group_norm (const AtelierTensor *input, int groups, const AtelierTensor *gamma,
                                 const AtelierTensor *beta, double eps);
AtelierTensor *naive_layer_norm (const AtelierTensor *input, const AtelierTensor *gamma, const AtelierTensor *beta,
                                 double eps);
AtelierTensor *naive_batch_norm (const AtelierTensor *input, const AtelierTensor *gamma, const AtelierTensor *beta,
                                 const AtelierTensor *mean, const AtelierTensor *var, double eps);
AtelierTensor *naive_linear (const AtelierTensor *input, const AtelierTensor *weight, const AtelierTensor *bias);
AtelierTensor *naive_softmax (const AtelierTensor *input);
AtelierTensor *naive_attention (const AtelierTensor *q, const AtelierTensor *k, const AtelierTensor *v, double scale);
