/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* C (M, N) = A (M, K) * op(B) (+ bias per column), row-major, split into row
 * blocks over the context's threads. Internal to the engine. */

#include "ops/atelier-ops.h"

void atelier_gemm_rows (AtelierContext *ctx, gint64 m, gint64 n, gint64 k,
                        const float *a, gint64 lda, const float *b, gint64 ldb, gboolean transpose_b,
                        float *c, gint64 ldc, const float *column_bias);
