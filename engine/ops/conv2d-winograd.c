/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/conv2d-paths.h"

#include "core/atelier-error.h"
#include "ops/worker-scratch.h"

#include <cblas.h>
#include <string.h>

/* Winograd's minimal filtering (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016) for 3x3 kernels at stride 1: each
 * m x m output tile is A^T [(G g G^T) .* (B^T d B)] A, where d is the
 * (m+2) x (m+2) input patch under the tile. Over channels, the elementwise
 * product becomes one (Cout x Cin) x (Cin x tiles) sgemm per transformed
 * position, (m+2)^2 of them, which multiply 9 m^2 / (m+2)^2 times fewer
 * values than the direct convolution: 2.25x for F(2x2,3x3), 4x for
 * F(4x4,3x3). Tiles are taken in chunks sized by the problem and the
 * workspace, never by the thread count, so the result is the same bit for bit
 * on any number of threads. Each chunk runs in three parallel stages: the
 * input transform by input channel, the sgemms by transformed position, the
 * output transform by output channel. Splitting a chunk's work, rather than
 * giving each thread chunks of its own, keeps chunks wide for sgemm and the
 * transformed weights read once per chunk on small feature maps too: with a
 * chunk per thread and at least ATELIER_WORK_PIECES chunks, 512->512 at 32x32
 * ran at 0.45 of sgemm, its sgemms 8 tiles wide. */

/* The transforms of F(m x m, 3x3), row-major; interpolation points 0, +-1,
 * +-2 (and infinity), the paper's. */
typedef struct
{
  int m, alpha;      /* output tile and input patch sides: alpha = m + 2 */
  const float *bt;   /* (alpha, alpha) */
  const float *g;    /* (alpha, 3) */
  const float *at;   /* (m, alpha) */
} WinogradTransform;

static const float f2_bt[] = {
  1, 0, -1, 0,
  0, 1, 1, 0,
  0, -1, 1, 0,
  0, 1, 0, -1,
};
static const float f2_g[] = {
  1, 0, 0,
  0.5f, 0.5f, 0.5f,
  0.5f, -0.5f, 0.5f,
  0, 0, 1,
};
static const float f2_at[] = {
  1, 1, 1, 0,
  0, 1, -1, -1,
};
static const float f4_bt[] = {
  4, 0, -5, 0, 1, 0,
  0, -4, -4, 1, 1, 0,
  0, 4, -4, -1, 1, 0,
  0, -2, -1, 2, 1, 0,
  0, 2, -1, -2, 1, 0,
  0, 4, 0, -5, 0, 1,
};
static const float f4_g[] = {
  1.0f / 4, 0, 0,
  -1.0f / 6, -1.0f / 6, -1.0f / 6,
  -1.0f / 6, 1.0f / 6, -1.0f / 6,
  1.0f / 24, 1.0f / 12, 1.0f / 6,
  1.0f / 24, -1.0f / 12, 1.0f / 6,
  0, 0, 1,
};
static const float f4_at[] = {
  1, 1, 1, 1, 1, 0,
  0, 1, -1, 2, -2, 0,
  0, 1, 1, 4, 4, 0,
  0, 1, -1, 8, -8, 1,
};

static const WinogradTransform transforms[] = {
  { 2, 4, f2_bt, f2_g, f2_at },
  { 4, 6, f4_bt, f4_g, f4_at },
};

/* Tiles per chunk at most: each transformed position's sgemm has this many
 * columns. Few enough that a chunk's transformed input and products stay in
 * L2 between the stages: F(4,3) on 64->64 at 256x256, one thread, ran at 34,
 * 33, 26 and 23 GFLOP-equivalent/s with 64, 128, 256 and 512; 256->256 at
 * 64x64 was even (33-38). */
#define WINOGRAD_TARGET_TILES 64

/* Tiles per block of the transforms: their buffers, (alpha^2, block) each,
 * stay in L1 while a block's patches are gathered and scattered. */
#define WINOGRAD_BLOCK_TILES 64

/* The transforms run on rows of tiles, tiles innermost, in vectors of 8. */
typedef float WinogradVector __attribute__ ((vector_size (32)));
/* The same at any float's address: loads and stores of one whole register,
 * which memcpy split in two halves that the register load then waited on. */
typedef float WinogradUnaligned __attribute__ ((vector_size (32), aligned (4), may_alias));

/* Cloned so that a vector is one AVX2 register where the CPU has it,
 * whatever the build flags. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WINOGRAD_VECTORISED __attribute__ ((target_clones ("avx2", "default")))
#else
#define WINOGRAD_VECTORISED
#endif

/* out row i = sum over j of coef[i][j] * in row j, for @rows_out x @rows_in
 * coefficients and rows of @n values: F(2,3)'s transforms and the weights'
 * G g G^T. One pass per output row, which measured faster than a pass per
 * nonzero coefficient. */
WINOGRAD_VECTORISED static void
combine_rows (const float *coef, int rows_out, int rows_in, const float *restrict in, gint64 in_stride,
              float *restrict out, gint64 out_stride, gint64 n)
{
  enum { LANES = sizeof (WinogradVector) / sizeof (float) };
  for (int i = 0; i < rows_out; i++)
    {
      const float *c = coef + i * rows_in;
      float *restrict o = out + i * out_stride;
      gint64 t = 0;
      for (; t + LANES <= n; t += LANES)
        {
          WinogradVector sum = c[0] * *(const WinogradUnaligned *) (in + t);
          for (int j = 1; j < rows_in; j++)
            sum += c[j] * *(const WinogradUnaligned *) (in + j * in_stride + t);
          *(WinogradUnaligned *) (o + t) = sum;
        }
      for (; t < n; t++)
        {
          float sum = c[0] * in[t];
          for (int j = 1; j < rows_in; j++)
            sum += c[j] * in[j * in_stride + t];
          o[t] = sum;
        }
    }
}

/* F(4x4,3x3)'s B^T and A^T by hand, with their common terms: 12 and 10
 * operations where the matrices take 36 and 24 multiply-adds; the generic
 * transform of F(4,3) took a third of the run time on 64->64 at 256x256. */
static inline __attribute__ ((always_inline)) void
f4_input (WinogradVector *o, const WinogradVector *d)
{
  const WinogradVector t1 = d[4] - 4.0f * d[2], t2 = d[3] - 4.0f * d[1];
  const WinogradVector t3 = d[4] - d[2], t4 = 2.0f * (d[3] - d[1]);
  o[0] = 4.0f * d[0] - 5.0f * d[2] + d[4];
  o[1] = t1 + t2;
  o[2] = t1 - t2;
  o[3] = t3 + t4;
  o[4] = t3 - t4;
  o[5] = 4.0f * d[1] - 5.0f * d[3] + d[5];
}

static inline __attribute__ ((always_inline)) void
f4_output (WinogradVector *y, const WinogradVector *m)
{
  const WinogradVector s12 = m[1] + m[2], d12 = m[1] - m[2], s34 = m[3] + m[4], d34 = m[3] - m[4];
  y[0] = m[0] + s12 + s34;
  y[1] = d12 + 2.0f * d34;
  y[2] = s12 + 4.0f * s34;
  y[3] = d12 + 8.0f * d34 + m[5];
}

/* F(4,3)'s transform of one vector of tiles: 6 rows in, 6 (input) or 4
 * (output) out. */
static inline __attribute__ ((always_inline)) void
f4_vector (gboolean output, const float *in, gint64 in_stride, float *out, gint64 out_stride)
{
  WinogradVector x[6], y[6];
  for (int j = 0; j < 6; j++)
    x[j] = *(const WinogradUnaligned *) (in + j * in_stride);
  if (output)
    f4_output (y, x);
  else
    f4_input (y, x);
  for (int i = 0; i < (output ? 4 : 6); i++)
    *(WinogradUnaligned *) (out + i * out_stride) = y[i];
}

/* The same along rows of @n values; the last partial vector goes through a
 * zero-padded copy. */
WINOGRAD_VECTORISED static void
f4_rows (gboolean output, const float *in, gint64 in_stride, float *out, gint64 out_stride, gint64 n)
{
  enum { LANES = sizeof (WinogradVector) / sizeof (float) };
  gint64 t = 0;
  for (; t + LANES <= n; t += LANES)
    f4_vector (output, in + t, in_stride, out + t, out_stride);
  if (t == n)
    return;
  float in_tail[6][LANES] = { { 0 } }, out_tail[6][LANES];
  for (int j = 0; j < 6; j++)
    memcpy (in_tail[j], in + j * in_stride + t, sizeof (float) * (gsize) (n - t));
  f4_vector (output, in_tail[0], LANES, out_tail[0], LANES);
  for (int i = 0; i < (output ? 4 : 6); i++)
    memcpy (out + i * out_stride + t, out_tail[i], sizeof (float) * (gsize) (n - t));
}

/* B^T (alpha rows in, alpha out) or, for the @output, A^T (alpha in, m out) along rows. */
static void
transform_rows (const WinogradTransform *tr, gboolean output, const float *in, gint64 in_stride, float *out,
                gint64 out_stride, gint64 n)
{
  if (tr->m == 4)
    f4_rows (output, in, in_stride, out, out_stride, n);
  else
    combine_rows (output ? tr->at : tr->bt, output ? tr->m : tr->alpha, tr->alpha, in, in_stride, out, out_stride,
                  n);
}

typedef struct
{
  const AtelierConvSetup *setup;
  const WinogradTransform *tr;
  const float *input;    /* (N, Cin, H, W) */
  float *output;         /* (N, Cout, OH, OW) */
  float *u;              /* (alpha^2, Cout, Cin): the transformed weights */
  gint64 tiles_h, tiles_w, tiles; /* tiles over the whole batch: N tiles_h tiles_w */
  gint64 t0, n;          /* the chunk being computed: tiles t0..t0+n-1 */
  float *v;              /* (alpha^2, Cin, n): the chunk's transformed input */
  float *m;              /* (alpha^2, Cout, n): their products with U */
  float **scratch;       /* per worker: two (alpha^2, block), or the weights' (9 + 3 alpha, Cin) */
} WinogradJob;

/* U[xi][co][ci] = (G g G^T)[xi] for one output channel, on rows of its input
 * channels: its weights by tap, then G along the kernel's columns and rows.
 * Pair by pair, in scalar arithmetic, this took 6 % of Select Subject. */
static void
transform_weights (gint64 co, int worker, gpointer p)
{
  WinogradJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  const WinogradTransform *tr = job->tr;
  const int alpha = tr->alpha;
  const gint64 cin = g->cin;
  float *by_tap = job->scratch[worker], *half = by_tap + 9 * cin; /* (9, Cin), (3, alpha, Cin) */
  const float *w = job->setup->weight + co * cin * 9;
  for (gint64 ci = 0; ci < cin; ci++)
    for (int t = 0; t < 9; t++)
      by_tap[t * cin + ci] = w[ci * 9 + t];
  for (int r = 0; r < 3; r++) /* along the kernel's row r: half[r][j] = sum_c G[j][c] g[r][c] */
    combine_rows (tr->g, alpha, 3, by_tap + r * 3 * cin, cin, half + r * alpha * cin, cin, cin);
  for (int j = 0; j < alpha; j++) /* along its columns: U[i][j] = sum_r G[i][r] half[r][j] */
    combine_rows (tr->g, alpha, 3, half + j * cin, alpha * cin, job->u + (j * g->cout + co) * cin,
                  alpha * g->cout * cin, cin);
}

/* The patches of tiles t0..t0+n-1 of one input channel into patch[a][b][t], zeros outside the image. */
static void
gather_patches (const WinogradJob *job, gint64 ci, gint64 t0, gint64 n, float *patch)
{
  const AtelierConvGeometry *g = job->setup->g;
  const int m = job->tr->m, alpha = job->tr->alpha;
  for (gint64 t = 0; t < n; t++)
    {
      const gint64 tile = t0 + t, per_image = job->tiles_h * job->tiles_w;
      const gint64 b = tile / per_image, ty = tile % per_image / job->tiles_w, tx = tile % job->tiles_w;
      const float *plane = job->input + (b * g->cin + ci) * g->in_h * g->in_w;
      const gint64 y0 = ty * m - g->pad_top, x0 = tx * m - g->pad_left;
      const gboolean inside_x = x0 >= 0 && x0 + alpha <= g->in_w;
      for (int a = 0; a < alpha; a++)
        {
          const gint64 y = y0 + a;
          float *to = patch + (gint64) a * alpha * n + t;
          if (y < 0 || y >= g->in_h)
            {
              for (int c = 0; c < alpha; c++)
                to[c * n] = 0.0f;
              continue;
            }
          const float *row = plane + y * g->in_w + x0;
          if (inside_x)
            for (int c = 0; c < alpha; c++)
              to[c * n] = row[c];
          else
            for (int c = 0; c < alpha; c++)
              to[c * n] = x0 + c >= 0 && x0 + c < g->in_w ? row[c] : 0.0f;
        }
    }
}

/* Output channel @co's m x m values y[y][x][t] of tiles t0.. into the output, cut at its edges. */
static void
scatter_tiles (const WinogradJob *job, gint64 co, gint64 t0, gint64 n, const float *y_tiles)
{
  const AtelierConvGeometry *g = job->setup->g;
  const int m = job->tr->m;
  for (gint64 t = 0; t < n; t++)
    {
      const gint64 tile = t0 + t, per_image = job->tiles_h * job->tiles_w;
      const gint64 b = tile / per_image, ty = tile % per_image / job->tiles_w, tx = tile % job->tiles_w;
      const gint64 oy0 = ty * m, ox0 = tx * m;
      const int rows = (int) MIN (m, g->out_h - oy0), cols = (int) MIN (m, g->out_w - ox0);
      float *plane = job->output + (b * g->cout + co) * g->out_positions;
      for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++)
          plane[(oy0 + y) * g->out_w + ox0 + x] = y_tiles[(gint64) (y * m + x) * n + t];
    }
}

/* V[xi][ci][t] = (B^T d B)[xi] of one input channel over the chunk. */
static void
transform_input_channel (gint64 ci, int worker, gpointer p)
{
  WinogradJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  const WinogradTransform *tr = job->tr;
  const int alpha = tr->alpha;
  const gint64 n = job->n;
  float *work = job->scratch[worker], *work2 = work + alpha * alpha * WINOGRAD_BLOCK_TILES;
  for (gint64 b0 = 0; b0 < n; b0 += WINOGRAD_BLOCK_TILES)
    {
      const gint64 bn = MIN (WINOGRAD_BLOCK_TILES, n - b0);
      gather_patches (job, ci, job->t0 + b0, bn, work);
      for (int a = 0; a < alpha; a++) /* along x: work2[a][j] = sum_b BT[j][b] patch[a][b] */
        transform_rows (tr, FALSE, work + a * alpha * bn, bn, work2 + a * alpha * bn, bn, bn);
      for (int j = 0; j < alpha; j++) /* along y: V[i][j] = sum_a BT[i][a] work2[a][j] */
        transform_rows (tr, FALSE, work2 + j * bn, alpha * bn,
                    job->v + (j * g->cin + ci) * n + b0, alpha * g->cin * n, bn);
    }
}

/* M[xi] = U[xi] V[xi]. */
static void
multiply_position (gint64 xi, int worker, gpointer p)
{
  (void) worker;
  WinogradJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  if (atelier_context_is_cancelled (job->setup->ctx))
    return;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) g->cout, (int) job->n, (int) g->cin,
               1.0f, job->u + xi * g->cout * g->cin, (int) g->cin, job->v + xi * g->cin * job->n, (int) job->n,
               0.0f, job->m + xi * g->cout * job->n, (int) job->n);
}

/* One output channel's tiles A^T M A, with bias and activation, into the output. */
static void
transform_output_channel (gint64 co, int worker, gpointer p)
{
  WinogradJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  const WinogradTransform *tr = job->tr;
  const int m = tr->m, alpha = tr->alpha;
  const gint64 n = job->n;
  float *work = job->scratch[worker], *work2 = work + alpha * alpha * WINOGRAD_BLOCK_TILES;
  for (gint64 b0 = 0; b0 < n; b0 += WINOGRAD_BLOCK_TILES)
    {
      const gint64 bn = MIN (WINOGRAD_BLOCK_TILES, n - b0);
      for (int i = 0; i < alpha; i++) /* along x: work[i][x] = sum_j AT[x][j] M[i][j] */
        transform_rows (tr, TRUE, job->m + (i * alpha * g->cout + co) * n + b0, g->cout * n, work + i * m * bn, bn,
                        bn);
      for (int x = 0; x < m; x++) /* along y: work2[y][x] = sum_i AT[y][i] work[i][x] */
        transform_rows (tr, TRUE, work + x * bn, m * bn, work2 + x * bn, m * bn, bn);
      atelier_conv_finish_rows (job->setup, work2, 1, 0, (gint64) m * m * bn, co);
      scatter_tiles (job, co, job->t0 + b0, bn, work2);
    }
}

gboolean
atelier_conv2d_winograd (const AtelierConvSetup *setup, int tile, const float *input, float *output,
                         gboolean *applicable, GError **error)
{
  const AtelierConvGeometry *g = setup->g;
  AtelierContext *ctx = setup->ctx;
  const WinogradTransform *tr = tile == 2 ? &transforms[0] : &transforms[1];
  const gint64 positions = (gint64) tr->alpha * tr->alpha;
  const gint64 tile_bytes = (gint64) sizeof (float) * positions * (g->cin + g->cout);
  const gint64 budget_tiles = (gint64) atelier_context_get_workspace_bytes (ctx) / tile_bytes;
  *applicable = g->kh == 3 && g->kw == 3 && g->stride_h == 1 && g->stride_w == 1 && g->dilation_h == 1
                && g->dilation_w == 1 && g->groups == 1 && budget_tiles >= 1
                && positions * g->cout * MAX (g->cin, budget_tiles) <= G_MAXINT && (tile == 2 || tile == 4);
  if (!*applicable)
    return FALSE;

  WinogradJob job = {
    .setup = setup, .tr = tr, .input = input, .output = output,
    .tiles_h = (g->out_h + tr->m - 1) / tr->m, .tiles_w = (g->out_w + tr->m - 1) / tr->m,
  };
  job.tiles = g->batch * job.tiles_h * job.tiles_w;
  const gint64 chunk_tiles = MIN (MIN (budget_tiles, WINOGRAD_TARGET_TILES), job.tiles);

  g_autofree float *u = g_try_malloc (sizeof (float) * positions * g->cout * g->cin);
  g_autofree float *vm = g_try_malloc (chunk_tiles * tile_bytes);
  if (u == NULL || vm == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory for the Winograd convolution");
      return FALSE;
    }
  job.u = u;
  AtelierWorkerScratch scratch;
  const gint64 scratch_floats = MAX (positions * 2 * WINOGRAD_BLOCK_TILES, (9 + 3 * tr->alpha) * g->cin);
  if (!atelier_worker_scratch_init (&scratch, ctx, scratch_floats, "convolution", error))
    return FALSE;
  job.scratch = scratch.buffers;
  atelier_context_parallel_for (ctx, g->cout, transform_weights, &job);
  for (job.t0 = 0; job.t0 < job.tiles && !atelier_context_is_cancelled (ctx); job.t0 += chunk_tiles)
    {
      job.n = MIN (chunk_tiles, job.tiles - job.t0);
      job.v = vm;
      job.m = vm + positions * g->cin * job.n;
      atelier_context_parallel_for (ctx, g->cin, transform_input_channel, &job);
      atelier_context_parallel_for (ctx, positions, multiply_position, &job);
      atelier_context_parallel_for (ctx, g->cout, transform_output_channel, &job);
    }
  atelier_worker_scratch_clear (&scratch);
  return TRUE;
}
