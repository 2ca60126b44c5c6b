/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Seeded standard normal noise that does not depend on the thread count: element i of stream s is a pure
 * function of (seed, s, i), a counter-based generator (SplitMix64 finalisers over the counter, Box-Muller
 * on pairs), so any thread may compute any element. Streams separate the draws of one job (the initial
 * latent, each DDIM step's fresh noise). */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

void atelier_noise_fill_normal (AtelierContext *ctx, AtelierTensor *tensor, guint64 seed, guint64 stream);

G_END_DECLS
