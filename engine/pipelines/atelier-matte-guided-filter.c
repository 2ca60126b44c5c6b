/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-matte-guided-filter.h"

#include "core/atelier-error.h"
#include "ops/box-filter.h"

/* Planes of one strip's working set, each (rows, W). */
enum
{
  MEAN_R, MEAN_G, MEAN_B, MEAN_P,
  VAR_RR, VAR_RG, VAR_RB, VAR_GG, VAR_GB, VAR_BB,
  COV_RP, COV_GP, COV_BP,
  VAR_P,
  WEIGHT_MEAN,
  PRODUCT,
  N_PLANES
};

/* A strip this tall holds 18 planes of 4000-pixel rows in 74 MB, with a
 * halo of 4 radius rows (a tenth of it at radius 12). */
#define MAX_STRIP_ROWS 256

typedef struct
{
  const AtelierTensor *guide, *input, *weight;
  AtelierTensor *output;
  int radius;
  float eps;
  gint64 strip_rows;
  gint out_of_memory; /* atomic: set by a strip that could not allocate its planes */
} GuidedJob;

/* The strip's rows [top, top + rows) of plane @c of @t. */
static const float *
rows_of (const AtelierTensor *t, int c, gint64 top)
{
  return t->data + (c * t->shape[2] + top) * t->shape[3];
}

/* The weighted window mean of a * b (b NULL: of a), into @dst. */
static void
weighted_mean (const float *a, const float *b, const float *weight, const float *weight_mean, float *product,
               float *dst, gint64 rows, gint64 w, int radius, double *sums)
{
  for (gint64 i = 0; i < rows * w; i++)
    product[i] = weight[i] * a[i] * (b != NULL ? b[i] : 1.0f);
  atelier_box_mean_plane (product, dst, rows, w, radius, radius, sums);
  for (gint64 i = 0; i < rows * w; i++)
    dst[i] /= weight_mean[i];
}

/* A window's say in its pixels' output when the fits are weighted: the
 * variance of its trusted input plus this floor. A window whose trusted
 * pixels are all subject (or all background) fits a constant, which says
 * nothing about an uncertain pixel of the other colour inside it; a window
 * that sees both does, and outvotes it. */
#define RELIABILITY_FLOOR 1e-3

/* Replaces the means and (co)variances with the fit's coefficients: a (3) in
 * COV_RP..COV_BP, b in MEAN_P, and the window's reliability in VAR_P (1
 * when unweighted: He et al.'s plain mean over windows). */
static void
fit_coefficients (float **plane, gint64 n, float eps, gboolean weighted)
{
  for (gint64 i = 0; i < n; i++)
    {
      const double mr = plane[MEAN_R][i], mg = plane[MEAN_G][i], mb = plane[MEAN_B][i], mp = plane[MEAN_P][i];
      /* Sigma + eps U, symmetric. */
      const double rr = plane[VAR_RR][i] - mr * mr + eps, rg = plane[VAR_RG][i] - mr * mg;
      const double rb = plane[VAR_RB][i] - mr * mb, gg = plane[VAR_GG][i] - mg * mg + eps;
      const double gb = plane[VAR_GB][i] - mg * mb, bb = plane[VAR_BB][i] - mb * mb + eps;
      const double cr = plane[COV_RP][i] - mr * mp, cg = plane[COV_GP][i] - mg * mp, cb = plane[COV_BP][i] - mb * mp;
      /* The inverse by cofactors: the matrix is positive definite (eps > 0). */
      const double i_rr = gg * bb - gb * gb, i_rg = rb * gb - rg * bb, i_rb = rg * gb - rb * gg;
      const double i_gg = rr * bb - rb * rb, i_gb = rb * rg - rr * gb, i_bb = rr * gg - rg * rg;
      const double inv_det = 1.0 / (rr * i_rr + rg * i_rg + rb * i_rb);
      const double ar = (i_rr * cr + i_rg * cg + i_rb * cb) * inv_det;
      const double ag = (i_rg * cr + i_gg * cg + i_gb * cb) * inv_det;
      const double ab = (i_rb * cr + i_gb * cg + i_bb * cb) * inv_det;
      plane[COV_RP][i] = (float) ar;
      plane[COV_GP][i] = (float) ag;
      plane[COV_BP][i] = (float) ab;
      plane[MEAN_P][i] = (float) (mp - ar * mr - ag * mg - ab * mb);
      plane[VAR_P][i] = weighted ? (float) (MAX (plane[VAR_P][i] - mp * mp, 0.0) + RELIABILITY_FLOOR) : 1.0f;
    }
}

static void
filter_strip (gint64 strip, int worker, gpointer data)
{
  (void) worker;
  GuidedJob *job = data;
  const gint64 H = job->input->shape[2], W = job->input->shape[3];
  const gint64 top = strip * job->strip_rows, bottom = MIN (H, top + job->strip_rows);
  /* Output rows need the coefficients r rows around them, which need the
   * guide r rows further: a halo of 2r makes every strip's result equal to
   * the whole image's. */
  const gint64 halo_top = MAX (0, top - 2 * (gint64) job->radius);
  const gint64 halo_bottom = MIN (H, bottom + 2 * (gint64) job->radius);
  const gint64 rows = halo_bottom - halo_top, n = rows * W;
  g_autofree float *storage = g_try_new (float, (gsize) (N_PLANES * n));
  g_autofree float *ones = job->weight == NULL ? g_try_new (float, n) : NULL;
  g_autofree double *sums = g_new (double, W);
  if (storage == NULL || (job->weight == NULL && ones == NULL))
    {
      g_atomic_int_set (&job->out_of_memory, 1);
      return;
    }
  for (gint64 i = 0; ones != NULL && i < n; i++)
    ones[i] = 1.0f;
  float *plane[N_PLANES];
  for (int k = 0; k < N_PLANES; k++)
    plane[k] = storage + k * n;
  const float *I[3] = { rows_of (job->guide, 0, halo_top), rows_of (job->guide, 1, halo_top),
                        rows_of (job->guide, 2, halo_top) };
  const float *p = rows_of (job->input, 0, halo_top);
  const float *weight = job->weight != NULL ? rows_of (job->weight, 0, halo_top) : ones;
  const int r = job->radius;
  atelier_box_mean_plane (weight, plane[WEIGHT_MEAN], rows, W, r, r, sums);
  for (int c = 0; c < 3; c++)
    weighted_mean (I[c], NULL, weight, plane[WEIGHT_MEAN], plane[PRODUCT], plane[MEAN_R + c], rows, W, r, sums);
  weighted_mean (p, NULL, weight, plane[WEIGHT_MEAN], plane[PRODUCT], plane[MEAN_P], rows, W, r, sums);
  const int pairs[6][2] = { { 0, 0 }, { 0, 1 }, { 0, 2 }, { 1, 1 }, { 1, 2 }, { 2, 2 } };
  for (int k = 0; k < 6; k++)
    weighted_mean (I[pairs[k][0]], I[pairs[k][1]], weight, plane[WEIGHT_MEAN], plane[PRODUCT], plane[VAR_RR + k],
                   rows, W, r, sums);
  for (int c = 0; c < 3; c++)
    weighted_mean (I[c], p, weight, plane[WEIGHT_MEAN], plane[PRODUCT], plane[COV_RP + c], rows, W, r, sums);
  weighted_mean (p, p, weight, plane[WEIGHT_MEAN], plane[PRODUCT], plane[VAR_P], rows, W, r, sums);
  fit_coefficients (plane, n, job->eps, job->weight != NULL);
  /* The coefficients' means over the windows, weighed by reliability, into
   * the planes no longer needed. */
  atelier_box_mean_plane (plane[VAR_P], plane[WEIGHT_MEAN], rows, W, r, r, sums);
  for (int c = 0; c < 3; c++)
    weighted_mean (plane[COV_RP + c], NULL, plane[VAR_P], plane[WEIGHT_MEAN], plane[PRODUCT], plane[MEAN_R + c], rows,
                   W, r, sums);
  weighted_mean (plane[MEAN_P], NULL, plane[VAR_P], plane[WEIGHT_MEAN], plane[PRODUCT], plane[VAR_RR], rows, W, r,
                 sums);
  float *q = job->output->data + top * W;
  for (gint64 i = (top - halo_top) * W, o = 0; i < (bottom - halo_top) * W; i++, o++)
    q[o] = plane[MEAN_R][i] * I[0][i] + plane[MEAN_G][i] * I[1][i] + plane[MEAN_B][i] * I[2][i] + plane[VAR_RR][i];
}

AtelierTensor *
atelier_guided_filter (AtelierContext *ctx, const AtelierTensor *guide, const AtelierTensor *input,
                       const AtelierTensor *weight, int radius, float eps, GError **error)
{
  if (!atelier_tensor_check_shape (guide, "guide", 4, (const int64_t[]) { 1, 3, -1, -1 }, error))
    return NULL;
  const int64_t plane_shape[4] = { 1, 1, guide->shape[2], guide->shape[3] };
  if (!atelier_tensor_check_shape (input, "input", 4, plane_shape, error)
      || (weight != NULL && !atelier_tensor_check_shape (weight, "weight", 4, plane_shape, error)))
    return NULL;
  if (radius < 1 || !(eps > 0.0f))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "the guided filter needs a radius of at least 1 and eps > 0 (got %d, %g)", radius, eps);
      return NULL;
    }
  for (gint64 i = 0; weight != NULL && i < atelier_tensor_numel (weight); i++)
    if (!(weight->data[i] > 0.0f && weight->data[i] < G_MAXFLOAT))
      {
        g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                     "the guided filter's weights must be positive and finite (weight %" G_GINT64_FORMAT " is %g)", i,
                     weight->data[i]);
        return NULL;
      }
  const gint64 H = guide->shape[2], W = guide->shape[3];
  g_autoptr (AtelierTensor) output = atelier_tensor_new_uninitialized (4, input->shape, error);
  if (output == NULL)
    return NULL;
  /* Strips sized so that all workers' planes together fit the memory budget,
   * yet tall enough that the halo is not most of the work; never more than
   * MAX_STRIP_ROWS, past which taller strips only cost memory. */
  /* As many shares as the ops' pieces, so that the strips, whose running sums start afresh at each, are the same
   * on up to that many threads. */
  const int shares = MAX (atelier_context_get_threads (ctx), ATELIER_WORK_PIECES);
  const gsize per_row = (gsize) (N_PLANES + 1) * sizeof (float) * (gsize) W;
  const gint64 budget_rows = (gint64) (atelier_context_get_memory_budget (ctx) / ((gsize) shares * per_row));
  const gint64 strip_rows = CLAMP (MIN (budget_rows - 4 * (gint64) radius, MAX_STRIP_ROWS),
                                   MAX (16, 2 * (gint64) radius), MAX (H, 1));
  GuidedJob job = { guide, input, weight, output, radius, eps, strip_rows, 0 };
  const gint64 strips = (H + strip_rows - 1) / strip_rows;
  atelier_context_parallel_for (ctx, strips, filter_strip, &job);
  if (!atelier_context_check_cancelled (ctx, error))
    return NULL;
  if (g_atomic_int_get (&job.out_of_memory))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "out of memory for the guided filter's strips of %" G_GINT64_FORMAT " rows", strip_rows);
      return NULL;
    }
  return g_steal_pointer (&output);
}
