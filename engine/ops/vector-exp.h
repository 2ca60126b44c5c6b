/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* exp over arrays and softmax rows, vectorised: attention and the SiLU and
 * sigmoid activations spend most of their time here. Internal to the ops. */

#include <glib.h>

/* x[i] = exp(x[i]) for x in [-87.3, 88], relative error below 8e-8 (0.7 of
 * float's epsilon) against exact exp in the tests; beyond, the input is
 * clamped to that range (exp(-87.3) ~ 1e-38, exp(88) ~ 1.7e38, so that 2^n
 * stays a normal float), so the result is never infinite or NaN for finite input. */
void atelier_exp_inplace (float *x, gint64 n);

/* x = softmax(x) over its @n > 0 values, the maximum subtracted first. */
void atelier_softmax_row (float *x, gint64 n);
