/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Select Subject's edges: every stage between the network's coarse mask and a
 * clean cut-out against an independent reference (naive O(r^2) and O(N^2)
 * loops, a dense solve, hand-computed profiles, composites whose true
 * foreground is known). */
#include "test-helpers.h"

#include "ops/box-filter.h"
#include "ops/distance-transform.h"
#include "pipelines/atelier-foreground-estimate.h"
#include "pipelines/atelier-matte-cutout.h"
#include "pipelines/atelier-matte-feather.h"
#include "pipelines/atelier-matte-guided-filter.h"
#include "pipelines/atelier-matte-refine.h"
#include "pipelines/atelier-matte-shape.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------- naive references */

static double
naive_window_mean (const float *plane, gint64 h, gint64 w, gint64 y, gint64 x, int ry, int rx)
{
  double sum = 0.0;
  int count = 0;
  for (gint64 v = MAX (0, y - ry); v <= MIN (h - 1, y + ry); v++)
    for (gint64 u = MAX (0, x - rx); u <= MIN (w - 1, x + rx); u++)
      sum += plane[v * w + u], count++;
  return sum / count;
}

/* Solves the n x n system m x = rhs in place by Gaussian elimination with
 * partial pivoting (m row-major, destroyed; the solution replaces rhs). */
static void
naive_solve (double *m, double *rhs, int n)
{
  for (int col = 0; col < n; col++)
    {
      int pivot = col;
      for (int r = col + 1; r < n; r++)
        if (fabs (m[r * n + col]) > fabs (m[pivot * n + col]))
          pivot = r;
      for (int k = 0; k < n; k++)
        {
          double t = m[col * n + k];
          m[col * n + k] = m[pivot * n + k];
          m[pivot * n + k] = t;
        }
      double t = rhs[col];
      rhs[col] = rhs[pivot];
      rhs[pivot] = t;
      for (int r = col + 1; r < n; r++)
        {
          const double f = m[r * n + col] / m[col * n + col];
          for (int k = col; k < n; k++)
            m[r * n + k] -= f * m[col * n + k];
          rhs[r] -= f * rhs[col];
        }
    }
  for (int r = n - 1; r >= 0; r--)
    {
      for (int k = r + 1; k < n; k++)
        rhs[r] -= m[r * n + k] * rhs[k];
      rhs[r] /= m[r * n + r];
    }
}

/* He et al.'s colour guided filter written out window by window, each
 * window's fit a weighted least-squares fit and, when weighted, each
 * window's coefficients weighed by the variance of its input plus 1e-3. */
static AtelierTensor *
naive_guided_filter (const AtelierTensor *guide, const AtelierTensor *input, const AtelierTensor *weight, int r,
                     double eps)
{
  const gint64 H = guide->shape[2], W = guide->shape[3];
  g_autofree double *coef = g_new0 (double, 5 * H * W);
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        double mi[3] = { 0 }, mp = 0, spp = 0, sii[3][3] = { { 0 } }, sip[3] = { 0 };
        double count = 0;
        for (gint64 v = MAX (0, y - r); v <= MIN (H - 1, y + r); v++)
          for (gint64 u = MAX (0, x - r); u <= MIN (W - 1, x + r); u++)
            {
              const double p = input->data[v * W + u], c_w = weight != NULL ? weight->data[v * W + u] : 1.0;
              double I[3];
              for (int c = 0; c < 3; c++)
                I[c] = guide->data[(c * H + v) * W + u];
              for (int c = 0; c < 3; c++)
                {
                  mi[c] += c_w * I[c];
                  sip[c] += c_w * I[c] * p;
                  for (int d = 0; d < 3; d++)
                    sii[c][d] += c_w * I[c] * I[d];
                }
              mp += c_w * p;
              spp += c_w * p * p;
              count += c_w;
            }
        double m[9], a[3];
        for (int c = 0; c < 3; c++)
          mi[c] /= count;
        mp /= count;
        for (int c = 0; c < 3; c++)
          {
            a[c] = sip[c] / count - mi[c] * mp;
            for (int d = 0; d < 3; d++)
              m[c * 3 + d] = sii[c][d] / count - mi[c] * mi[d] + (c == d ? eps : 0.0);
          }
        naive_solve (m, a, 3);
        for (int c = 0; c < 3; c++)
          coef[(c * H + y) * W + x] = a[c];
        coef[(3 * H + y) * W + x] = mp - a[0] * mi[0] - a[1] * mi[1] - a[2] * mi[2];
        coef[(4 * H + y) * W + x] = weight != NULL ? spp / count - mp * mp + 1e-3 : 1.0;
      }
  AtelierTensor *out = atelier_tensor_new_4d (1, 1, H, W, NULL);
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        double q = 0.0, count = 0.0;
        for (gint64 v = MAX (0, y - r); v <= MIN (H - 1, y + r); v++)
          for (gint64 u = MAX (0, x - r); u <= MIN (W - 1, x + r); u++)
            {
              const double reliability = coef[(4 * H + v) * W + u];
              for (int c = 0; c < 3; c++)
                q += reliability * coef[(c * H + v) * W + u] * guide->data[(c * H + y) * W + x];
              q += reliability * coef[(3 * H + v) * W + u];
              count += reliability;
            }
        out->data[y * W + x] = (float) (q / count);
      }
  return out;
}

/* A mask of random overlapping discs, ~half subject. */
static guint8 *
random_blobs (gint64 h, gint64 w, int discs)
{
  guint8 *mask = g_new0 (guint8, h * w);
  for (int k = 0; k < discs; k++)
    {
      const double cy = g_test_rand_double_range (0, h), cx = g_test_rand_double_range (0, w);
      const double radius = g_test_rand_double_range (2, MIN (h, w) / 4.0);
      for (gint64 y = 0; y < h; y++)
        for (gint64 x = 0; x < w; x++)
          if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= radius * radius)
            mask[y * w + x] = 1;
    }
  return mask;
}

/* ---------------------------------------------------------------- ops */

static void
test_box_mean (void)
{
  const gint64 h = 23, w = 37;
  g_autoptr (AtelierTensor) src = test_random_4d (1, 1, h, w);
  g_autofree float *dst = g_new (float, h * w);
  g_autofree double *sums = g_new (double, w);
  const int radii[][2] = { { 0, 0 }, { 1, 2 }, { 3, 3 }, { 7, 1 }, { 30, 40 } };
  for (gsize k = 0; k < G_N_ELEMENTS (radii); k++)
    {
      atelier_box_mean_plane (src->data, dst, h, w, radii[k][0], radii[k][1], sums);
      for (gint64 y = 0; y < h; y++)
        for (gint64 x = 0; x < w; x++)
          g_assert_cmpfloat_with_epsilon (dst[y * w + x],
                                          naive_window_mean (src->data, h, w, y, x, radii[k][0], radii[k][1]), 1e-5);
    }
}

static void
test_distance_transform (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const gint64 h = 31, w = 29;
  g_autofree guint8 *features = g_new0 (guint8, h * w);
  for (gint64 i = 0; i < h * w; i++)
    features[i] = g_test_rand_double () < 0.02;
  features[5 * w + 7] = 1;
  g_autofree float *distance = g_new (float, h * w);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_distance_transform_squared (ctx, features, h, w, distance, &error));
  g_assert_no_error (error);
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        double best = G_MAXDOUBLE;
        for (gint64 i = 0; i < h * w; i++)
          if (features[i])
            best = MIN (best, (double) ((i / w - y) * (i / w - y) + (i % w - x) * (i % w - x)));
        g_assert_cmpfloat (distance[y * w + x], ==, best);
      }
  memset (features, 0, h * w);
  g_assert_true (atelier_distance_transform_squared (ctx, features, h, w, distance, &error));
  g_assert_cmpfloat (distance[17], ==, G_MAXFLOAT);
}

/* ---------------------------------------------------------------- guided filter */

static void
test_guided_filter_naive (void)
{
  /* Tall enough that the smallest memory budget (1 MiB) cuts it into strips. */
  const gint64 H = 420, W = 41;
  const int radius = 3;
  const float eps = 1e-3f;
  g_autoptr (AtelierTensor) guide = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 1, H, W);
  g_autoptr (AtelierTensor) weight = test_random_4d (1, 1, H, W);
  for (gint64 i = 0; i < H * W; i++)
    weight->data[i] = weight->data[i] < 0.3f ? 1e-3f : weight->data[i];
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  for (int weighted = 0; weighted < 2; weighted++)
    {
      const AtelierTensor *w = weighted ? weight : NULL;
      g_autoptr (AtelierTensor) expected = naive_guided_filter (guide, input, w, radius, eps);
      atelier_context_set_memory_budget (ctx, ATELIER_DEFAULT_MEMORY_BUDGET_BYTES);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierTensor) whole = atelier_guided_filter (ctx, guide, input, w, radius, eps, &error);
      g_assert_no_error (error);
      test_assert_close (whole, expected, 1e-4f);
      /* The smallest budget: strips of about 180 rows, whose halos must
       * give the whole image's result. */
      atelier_context_set_memory_budget (ctx, 0);
      g_autoptr (AtelierTensor) strips = atelier_guided_filter (ctx, guide, input, w, radius, eps, &error);
      g_assert_no_error (error);
      test_assert_close (strips, expected, 1e-4f);
    }
}

static void
test_guided_filter_bad_input (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) guide = test_random_4d (1, 3, 8, 8);
  g_autoptr (AtelierTensor) wrong = test_random_4d (1, 1, 8, 9);
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_guided_filter (ctx, guide, wrong, NULL, 2, 1e-3f, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_clear_error (&error);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 1, 8, 8);
  g_assert_null (atelier_guided_filter (ctx, guide, input, NULL, 0, 1e-3f, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_autoptr (AtelierTensor) zero_weight = atelier_tensor_new_4d (1, 1, 8, 8, NULL);
  g_assert_null (atelier_guided_filter (ctx, guide, input, zero_weight, 2, 1e-3f, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

/* ---------------------------------------------------------------- shape */

static void
test_grow_shrink (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const gint64 h = 40, w = 44;
  g_autofree guint8 *original = random_blobs (h, w, 6);
  const double amounts[] = { 3.5, 1.0, -2.2, -4.0 };
  for (gsize k = 0; k < G_N_ELEMENTS (amounts); k++)
    {
      g_autofree guint8 *mask = g_memdup2 (original, h * w);
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_matte_grow (ctx, mask, h, w, amounts[k], &error));
      const gboolean grow = amounts[k] > 0;
      const double reach = fabs (amounts[k]);
      for (gint64 y = 0; y < h; y++)
        for (gint64 x = 0; x < w; x++)
          {
            /* Growing: some subject pixel within reach; shrinking: a subject
             * pixel with no background pixel within reach. */
            gboolean other_side_near = FALSE;
            for (gint64 v = 0; v < h; v++)
              for (gint64 u = 0; u < w; u++)
                if (original[v * w + u] == grow && hypot ((double) (v - y), (double) (u - x)) <= reach)
                  other_side_near = TRUE;
            const gboolean expected = grow ? other_side_near : original[y * w + x] && !other_side_near;
            g_assert_cmpint (mask[y * w + x], ==, expected);
          }
    }
}

/* A ring (annulus) of subject around (cy, cx), radii 6..12. */
static void
draw_ring (guint8 *mask, gint64 w, gint64 cy, gint64 cx)
{
  for (gint64 y = cy - 12; y <= cy + 12; y++)
    for (gint64 x = cx - 12; x <= cx + 12; x++)
      {
        const double r = hypot ((double) (y - cy), (double) (x - cx));
        if (r >= 6 && r <= 12)
          mask[y * w + x] = 1;
      }
}

static void
test_fill_holes (void)
{
  const gint64 h = 40, w = 70;
  g_autofree guint8 *mask = g_new0 (guint8, h * w);
  draw_ring (mask, w, 20, 18);
  draw_ring (mask, w, 20, 50);
  /* A gap through the second ring opens its inside to the outside. */
  for (gint64 x = 50; x < 64; x++)
    mask[20 * w + x] = 0;
  g_autofree guint8 *before = g_memdup2 (mask, h * w);
  gint64 inside = 0;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < 35; x++)
      inside += hypot ((double) (y - 20), (double) (x - 18)) < 6;
  g_assert_cmpint (atelier_matte_fill_holes (mask, h, w), ==, inside);
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        const gboolean hole = x < 35 && hypot ((double) (y - 20), (double) (x - 18)) < 6;
        g_assert_cmpint (mask[y * w + x], ==, before[y * w + x] || hole);
      }
}

static void
test_contour_distance (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  const gint64 h = 5, w = 12;
  guint8 mask[5 * 12];
  for (gint64 i = 0; i < h * w; i++)
    mask[i] = i % w >= 5;
  float distance[5 * 12];
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_matte_contour_distance (ctx, mask, h, w, distance, &error));
  const float expected[12] = { -4.5f, -3.5f, -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f };
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      g_assert_cmpfloat_with_epsilon (distance[y * w + x], expected[x], 1e-6);
}

/* ---------------------------------------------------------------- feather */

static void
test_feather_profile (void)
{
  const gint64 h = 9, w = 60, edge = 30;
  const int widths[] = { 1, 4, 7 };
  for (gsize k = 0; k < G_N_ELEMENTS (widths); k++)
    {
      const int f = widths[k], r1 = f / 2, r2 = f - r1;
      g_autofree float *alpha = g_new (float, h * w);
      for (gint64 i = 0; i < h * w; i++)
        alpha[i] = i % w >= edge;
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_matte_feather (alpha, h, w, f, &error));
      for (gint64 x = edge - f - 3; x <= edge + f + 3; x++)
        {
          /* The step convolved with two boxes by hand: the fraction of the
           * (2 r1 + 1)(2 r2 + 1) tap pairs that land on the subject. */
          int on = 0;
          for (int a = -r1; a <= r1; a++)
            for (int b = -r2; b <= r2; b++)
              on += x + a + b >= edge;
          const double expected = (double) on / ((2 * r1 + 1) * (2 * r2 + 1));
          for (gint64 y = 0; y < h; y++)
            g_assert_cmpfloat_with_epsilon (alpha[y * w + x], expected, 1e-6);
          /* A ramp 2f wide, symmetric about the edge. */
          if (x <= edge - f - 1)
            g_assert_cmpfloat (alpha[x], ==, 0.0f);
          if (x >= edge + f)
            g_assert_cmpfloat (alpha[x], ==, 1.0f);
          g_assert_cmpfloat_with_epsilon (alpha[x] + alpha[2 * edge - 1 - x], 1.0, 1e-6);
        }
    }
}

/* ---------------------------------------------------------------- refinement */

/* A synthetic photograph, a mask of it (coarse or alpha) and the truth. */
typedef struct
{
  AtelierTensor *image, *mask, *truth;
} Scene;

static void
scene_free (Scene *scene)
{
  atelier_tensor_free (scene->image);
  atelier_tensor_free (scene->mask);
  atelier_tensor_free (scene->truth);
  g_free (scene);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scene, scene_free)

/* A photograph of a subject (warm, textured) whose true edge is the slanted
 * line x = edge + y / 4 on a cool textured background, and a coarse mask
 * whose edge lies @offset pixels further right, stair-stepped by @step. */
static Scene *
edge_scene (gint64 H, gint64 W, double edge, double offset, int step)
{
  Scene *scene = g_new (Scene, 1);
  scene->image = atelier_tensor_new_4d (1, 3, H, W, NULL);
  scene->mask = atelier_tensor_new_4d (1, 1, H, W, NULL);
  scene->truth = atelier_tensor_new_4d (1, 1, H, W, NULL);
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const gboolean subject = x < edge + y / 4.0;
        const double texture = 0.05 * sin (0.7 * x + 0.3 * y);
        const double subject_rgb[3] = { 0.85, 0.45, 0.2 }, background_rgb[3] = { 0.2, 0.35, 0.7 };
        for (int c = 0; c < 3; c++)
          scene->image->data[(c * H + y) * W + x] = (float) ((subject ? subject_rgb[c] : background_rgb[c]) + texture);
        scene->truth->data[y * W + x] = subject;
        const gint64 sy = y / step * step, sx = x / step * step;
        scene->mask->data[y * W + x] = sx < edge + offset + sy / 4.0 ? 0.97f : 0.03f;
      }
  return scene;
}

static double
mean_abs_diff (const AtelierTensor *a, const AtelierTensor *b)
{
  double sum = 0.0;
  for (gint64 i = 0; i < atelier_tensor_numel (a); i++)
    sum += fabs (a->data[i] - b->data[i]);
  return sum / atelier_tensor_numel (a);
}

static void
test_refine_snaps_to_edge (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (Scene) scene = edge_scene (64, 80, 30.0, 3.0, 4);
  const AtelierTensor *image = scene->image, *coarse = scene->mask, *truth = scene->truth;
  AtelierMatteOptions options = atelier_matte_options_default ();
  options.radius = 6;
  options.uncertainty = 4;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) alpha = atelier_matte_refine (ctx, image, coarse, &options, &error);
  g_assert_no_error (error);
  const double raw_error = mean_abs_diff (coarse, truth), refined_error = mean_abs_diff (alpha, truth);
  g_test_message ("mean |alpha - truth|: coarse %.4f, refined %.4f", raw_error, refined_error);
  g_assert_cmpfloat (refined_error, <, 0.5 * raw_error);
  /* The contour itself: pixels on the wrong side of 0.5. */
  int raw_wrong = 0, refined_wrong = 0;
  for (gint64 i = 0; i < atelier_tensor_numel (truth); i++)
    {
      raw_wrong += (coarse->data[i] > 0.5f) != (truth->data[i] > 0.5f);
      refined_wrong += (alpha->data[i] > 0.5f) != (truth->data[i] > 0.5f);
    }
  g_test_message ("pixels on the wrong side: coarse %d, refined %d", raw_wrong, refined_wrong);
  g_assert_cmpint (raw_wrong, >, 3 * 64);
  g_assert_cmpint (refined_wrong, <=, raw_wrong / 20);
  /* Without refinement the coarse probability comes back as it is. */
  options.refine_edges = FALSE;
  g_autoptr (AtelierTensor) unrefined = atelier_matte_refine (ctx, image, coarse, &options, &error);
  g_assert_no_error (error);
  test_assert_close (unrefined, coarse, 0.0f);
}

static void
test_refine_softness (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (Scene) scene = edge_scene (48, 64, 24.0, 2.0, 3);
  const AtelierTensor *image = scene->image, *coarse = scene->mask;
  AtelierMatteOptions options = atelier_matte_options_default ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) soft = atelier_matte_refine (ctx, image, coarse, &options, &error);
  options.softness = 0.0;
  g_autoptr (AtelierTensor) hard = atelier_matte_refine (ctx, image, coarse, &options, &error);
  options.softness = 0.25;
  g_autoptr (AtelierTensor) between = atelier_matte_refine (ctx, image, coarse, &options, &error);
  g_assert_no_error (error);
  int partial = 0;
  for (gint64 i = 0; i < atelier_tensor_numel (soft); i++)
    {
      g_assert_true (hard->data[i] == 0.0f || hard->data[i] == 1.0f);
      g_assert_cmpfloat (hard->data[i], ==, soft->data[i] >= 0.5f ? 1.0f : 0.0f);
      const float steep = CLAMP ((soft->data[i] - 0.5f) * 4.0f + 0.5f, 0.0f, 1.0f);
      g_assert_cmpfloat_with_epsilon (between->data[i], steep, 1e-5);
      partial += soft->data[i] > 0.02f && soft->data[i] < 0.98f;
    }
  /* The soft matte is soft somewhere, or the checks above prove nothing. */
  g_assert_cmpint (partial, >, 0);
}

/* A photograph of a ring (radii 6..12) whose inside shows the background, and
 * a coarse mask of the ring: keep_holes keeps its inside background, off it
 * fills it, and the background outside stays background either way. */
static void
test_refine_holes (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const gint64 H = 40, W = 40;
  g_autofree guint8 *ring = g_new0 (guint8, H * W);
  draw_ring (ring, W, 20, 20);
  g_autoptr (AtelierTensor) image = atelier_tensor_new_4d (1, 3, H, W, NULL);
  g_autoptr (AtelierTensor) coarse = atelier_tensor_new_4d (1, 1, H, W, NULL);
  for (gint64 i = 0; i < H * W; i++)
    {
      for (int c = 0; c < 3; c++)
        image->data[c * H * W + i] = ring[i] ? 0.9f - 0.3f * c : 0.1f + 0.3f * c;
      coarse->data[i] = ring[i];
    }
  AtelierMatteOptions options = atelier_matte_options_default ();
  options.radius = 3;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) kept = atelier_matte_refine (ctx, image, coarse, &options, &error);
  options.keep_holes = FALSE;
  g_autoptr (AtelierTensor) filled = atelier_matte_refine (ctx, image, coarse, &options, &error);
  g_assert_no_error (error);
  const gint64 centre = 20 * W + 20;
  g_assert_cmpfloat (kept->data[centre], <, 0.05f);
  g_assert_cmpfloat (filled->data[centre], >, 0.95f);
  g_assert_cmpfloat (kept->data[20 * W + 29], >, 0.95f);
  g_assert_cmpfloat (filled->data[0], <, 0.05f);
}

/* The matte does not depend on how the guided filter is cut into strips. */
static void
test_refine_any_budget (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (Scene) scene = edge_scene (600, 200, 12.0, 2.0, 3);
  const AtelierMatteOptions options = atelier_matte_options_default ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) whole = atelier_matte_refine (ctx, scene->image, scene->mask, &options, &error);
  atelier_context_set_memory_budget (ctx, 0);
  g_autoptr (AtelierTensor) strips = atelier_matte_refine (ctx, scene->image, scene->mask, &options, &error);
  g_assert_no_error (error);
  test_assert_close (strips, whole, 1e-6f);
}

/* A stem 3 pixels wide, thinner than the uncertain zone either side of its
 * contour: only its middle line teaches the guided filter its colour, and
 * the stem must come out opaque, not the grey that its background-only
 * windows would predict. */
static void
test_refine_thin_part (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const gint64 H = 48, W = 48;
  g_autoptr (AtelierTensor) image = atelier_tensor_new_4d (1, 3, H, W, NULL);
  g_autoptr (AtelierTensor) coarse = atelier_tensor_new_4d (1, 1, H, W, NULL);
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const gboolean stem = x >= 22 && x < 25;
        const double texture = 0.04 * sin (0.9 * x + 0.5 * y);
        for (int c = 0; c < 3; c++)
          image->data[(c * H + y) * W + x] = (float) ((stem ? 0.2 + 0.25 * c : 0.8 - 0.2 * c) + texture);
        coarse->data[y * W + x] = stem ? 0.9f : 0.05f;
      }
  AtelierMatteOptions options = atelier_matte_options_default ();
  options.radius = 6;
  options.uncertainty = 3;
  /* Regularised enough that the weakly weighted stem pixels alone do not
   * teach the fit the stem's colour (they reach 0.62 here without its
   * middle line, 0.86 at eps 1e-5). */
  options.eps = 1e-4f;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) alpha = atelier_matte_refine (ctx, image, coarse, &options, &error);
  g_assert_no_error (error);
  for (gint64 y = 0; y < H; y++)
    {
      g_assert_cmpfloat (alpha->data[y * W + 21], <, 0.15f);
      for (gint64 x = 22; x < 25; x++)
        g_assert_cmpfloat (alpha->data[y * W + x], >, 0.8f);
      g_assert_cmpfloat (alpha->data[y * W + 25], <, 0.15f);
    }
}

static void
test_refine_grow (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (Scene) scene = edge_scene (32, 48, 20.0, 0.0, 1);
  const AtelierTensor *image = scene->image, *coarse = scene->mask;
  AtelierMatteOptions options = atelier_matte_options_default ();
  options.refine_edges = FALSE;
  options.grow = 3.0;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) grown = atelier_matte_refine (ctx, image, coarse, &options, &error);
  options.grow = -3.0;
  g_autoptr (AtelierTensor) shrunk = atelier_matte_refine (ctx, image, coarse, &options, &error);
  g_assert_no_error (error);
  double area = 0, grown_area = 0, shrunk_area = 0;
  for (gint64 i = 0; i < atelier_tensor_numel (coarse); i++)
    area += coarse->data[i] > 0.5f, grown_area += grown->data[i] > 0.5f, shrunk_area += shrunk->data[i] > 0.5f;
  /* A slanted straight edge across 32 rows moves by about 3 pixels a row. */
  g_assert_cmpfloat (fabs ((grown_area - area) / 32.0 - 3.0), <, 0.7);
  g_assert_cmpfloat (fabs ((area - shrunk_area) / 32.0 - 3.0), <, 0.7);
}

static void
test_refine_bad_input (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, 8, 8);
  g_autoptr (AtelierTensor) coarse = test_random_4d (1, 1, 8, 8);
  g_autoptr (AtelierTensor) wrong = test_random_4d (1, 1, 4, 8);
  AtelierMatteOptions options = atelier_matte_options_default ();
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_matte_refine (ctx, image, wrong, &options, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_clear_error (&error);
  options.softness = 2.0;
  g_assert_null (atelier_matte_refine (ctx, image, coarse, &options, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* An image smaller than the guided filter's window still gets a matte. */
  options = atelier_matte_options_default ();
  g_autoptr (AtelierTensor) tiny_image = test_random_4d (1, 3, 2, 3);
  g_autoptr (AtelierTensor) tiny_coarse = test_random_4d (1, 1, 2, 3);
  g_autoptr (AtelierTensor) tiny = atelier_matte_refine (ctx, tiny_image, tiny_coarse, &options, &error);
  g_assert_no_error (error);
  g_assert_true (atelier_tensor_all_finite (tiny));
}

/* No subject, only subject, and images one pixel thin: a matte and a
 * foreground all the same, and the empty or full mask kept as it is. */
static void
test_degenerate_images (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const gint64 sizes[][2] = { { 40, 50 }, { 1, 60 }, { 60, 1 }, { 1, 1 } };
  for (gsize k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (int level = 0; level <= 2; level++)
      {
        const gint64 h = sizes[k][0], w = sizes[k][1];
        g_autoptr (AtelierTensor) image = test_random_4d (1, 3, h, w);
        g_autoptr (AtelierTensor) coarse = atelier_tensor_new_4d (1, 1, h, w, NULL);
        /* Empty, full, and random. */
        for (gint64 i = 0; i < h * w; i++)
          coarse->data[i] = level < 2 ? (float) level : (float) g_test_rand_double ();
        AtelierMatteOptions options = atelier_matte_options_default ();
        options.feather = 2;
        options.keep_holes = FALSE;
        g_autoptr (GError) error = NULL;
        g_autoptr (AtelierTensor) alpha = atelier_matte_refine (ctx, image, coarse, &options, &error);
        g_assert_no_error (error);
        g_assert_true (atelier_tensor_all_finite (alpha));
        for (gint64 i = 0; i < h * w; i++)
          {
            g_assert_cmpfloat (alpha->data[i], >=, 0.0f);
            g_assert_cmpfloat (alpha->data[i], <=, 1.0f);
            if (level < 2)
              g_assert_cmpfloat (alpha->data[i], ==, (float) level);
          }
        AtelierForegroundOptions foreground_options = atelier_foreground_options_default ();
        g_autoptr (AtelierTensor) foreground =
          atelier_foreground_estimate (ctx, image, level < 2 ? alpha : coarse, &foreground_options, &error);
        g_assert_no_error (error);
        g_assert_true (atelier_tensor_all_finite (foreground));
      }
}

/* ---------------------------------------------------------------- foreground */

/* The exact minimiser of Germer et al.'s energy for one channel, by a dense
 * solve of its normal equations over the unknowns (F_0..F_n-1, B_0..B_n-1). */
static void
dense_foreground (const float *image, const float *alpha, gint64 h, gint64 w, double eps, double gradient_weight,
                  double *fb)
{
  const int n = (int) (h * w), m = 2 * n;
  g_autofree double *a = g_new0 (double, (gsize) m * m);
  for (int i = 0; i < n; i++)
    {
      const double ai = alpha[i];
      a[i * m + i] += ai * ai;
      a[i * m + n + i] += ai * (1 - ai);
      a[(n + i) * m + i] += ai * (1 - ai);
      a[(n + i) * m + n + i] += (1 - ai) * (1 - ai);
      fb[i] = ai * image[i];
      fb[n + i] = (1 - ai) * image[i];
    }
  for (int i = 0; i < n; i++)
    {
      const int right = i % w + 1 < w ? i + 1 : -1, down = i + w < n ? i + (int) w : -1;
      const int neighbours[2] = { right, down };
      for (int k = 0; k < 2; k++)
        {
          const int j = neighbours[k];
          if (j < 0)
            continue;
          const double wij = eps + gradient_weight * fabs (alpha[i] - alpha[j]);
          for (int layer = 0; layer < 2; layer++)
            {
              const int p = layer * n + i, q = layer * n + j;
              a[p * m + p] += wij;
              a[q * m + q] += wij;
              a[p * m + q] -= wij;
              a[q * m + p] -= wij;
            }
        }
    }
  naive_solve (a, fb, m);
}

static void
test_foreground_dense_solve (void)
{
  const gint64 H = 9, W = 8, n = H * W;
  g_autoptr (AtelierTensor) image = atelier_tensor_new_4d (1, 3, H, W, NULL);
  g_autoptr (AtelierTensor) alpha = atelier_tensor_new_4d (1, 1, H, W, NULL);
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const gint64 i = y * W + x;
        const double jitter = g_test_rand_double_range (-0.1, 0.1);
        alpha->data[i] = (float) CLAMP (0.5 + 0.45 * sin (0.9 * x + 0.4 * y) + jitter, 0.0, 1.0);
        for (int c = 0; c < 3; c++)
          {
            const double f = 0.5 + 0.3 * sin (0.5 * x + c), b = 0.5 + 0.3 * cos (0.6 * y + 2 * c);
            image->data[c * n + i] = (float) (alpha->data[i] * f + (1 - alpha->data[i]) * b
                                              + g_test_rand_double_range (-0.05, 0.05));
          }
      }
  AtelierForegroundOptions options = atelier_foreground_options_default ();
  options.tile_size = 0;
  options.regularization = 1e-3f;
  options.small_iterations = 4000;
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) foreground = atelier_foreground_estimate (ctx, image, alpha, &options, &error);
  g_assert_no_error (error);
  g_autofree double *fb = g_new (double, 2 * n);
  for (int c = 0; c < 3; c++)
    {
      dense_foreground (image->data + c * n, alpha->data, H, W, options.regularization, options.gradient_weight, fb);
      /* Inside 0..1 the clamp of the sweeps is inactive and both solve the same problem. */
      for (gint64 i = 0; i < 2 * n; i++)
        {
          g_assert_cmpfloat (fb[i], >=, 0.0);
          g_assert_cmpfloat (fb[i], <=, 1.0);
        }
      for (gint64 i = 0; i < n; i++)
        if (alpha->data[i] < 1.0f)
          g_assert_cmpfloat_with_epsilon (foreground->data[c * n + i], fb[i], 1e-5);
    }
}

/* A subject of smooth colours behind a soft-edged disc with strands (alpha
 * ramps and thin partial lines), over a background of saturated waves. */
static Scene *
composite_scene (gint64 H, gint64 W)
{
  Scene *scene = g_new (Scene, 1);
  scene->image = atelier_tensor_new_4d (1, 3, H, W, NULL);
  scene->mask = atelier_tensor_new_4d (1, 1, H, W, NULL);
  scene->truth = atelier_tensor_new_4d (1, 3, H, W, NULL);
  const gint64 n = H * W;
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const gint64 i = y * W + x;
        const double r = hypot (y - H / 2.0, x - W / 2.0), radius = MIN (H, W) / 3.0;
        double a = CLAMP ((radius - r) / 8.0 + 0.5, 0.0, 1.0);
        if (r > radius && fmod ((atan2 (y - H / 2.0, x - W / 2.0) + G_PI) * 40.0, 2 * G_PI) < 1.0)
          a = MAX (a, CLAMP (0.6 - (r - radius) / 25.0, 0.0, 1.0));
        scene->mask->data[i] = (float) a;
        for (int c = 0; c < 3; c++)
          {
            const double f = 0.55 + 0.25 * sin (0.05 * x + 0.04 * y + 2.1 * c);
            const double b = 0.5 + 0.4 * sin (0.07 * x - 0.05 * y + 2.0 * c);
            scene->truth->data[c * n + i] = (float) f;
            scene->image->data[c * n + i] = (float) (a * f + (1 - a) * b);
          }
      }
  return scene;
}

/* RMS colour error of @colour against @truth where 0 < alpha < 1, weighted by alpha (the visible part). */
static double
band_colour_error (const AtelierTensor *colour, const AtelierTensor *truth, const AtelierTensor *alpha)
{
  const gint64 n = atelier_tensor_numel (alpha);
  double sum = 0.0, weight = 0.0;
  for (gint64 i = 0; i < n; i++)
    {
      const double a = alpha->data[i];
      if (a <= 0.0 || a >= 1.0)
        continue;
      for (int c = 0; c < 3; c++)
        sum += a * pow (colour->data[c * n + i] - truth->data[c * n + i], 2.0);
      weight += 3 * a;
    }
  return sqrt (sum / weight);
}

static void
test_foreground_synthetic_composite (void)
{
  g_autoptr (Scene) scene = composite_scene (150, 170);
  const AtelierTensor *image = scene->image, *alpha = scene->mask, *truth = scene->truth;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const double naive = band_colour_error (image, truth, alpha);
  AtelierForegroundOptions options = atelier_foreground_options_default ();
  const int tile_sizes[] = { 0, 48 };
  g_autoptr (AtelierTensor) untiled = NULL;
  for (gsize k = 0; k < G_N_ELEMENTS (tile_sizes); k++)
    {
      options.tile_size = tile_sizes[k];
      options.tile_margin = 24;
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierTensor) foreground = atelier_foreground_estimate (ctx, image, alpha, &options, &error);
      g_assert_no_error (error);
      const double estimated = band_colour_error (foreground, truth, alpha);
      g_test_message ("tile %d: band colour RMS error %.4f, the image's own colour %.4f", tile_sizes[k], estimated,
                      naive);
      g_assert_cmpfloat (estimated, <, 0.5 * naive);
      /* Where the subject is opaque the image is its colour. */
      for (gint64 i = 0; i < atelier_tensor_numel (alpha); i++)
        if (alpha->data[i] >= 1.0f)
          g_assert_cmpfloat (foreground->data[i], ==, image->data[i]);
      if (untiled == NULL)
        untiled = g_steal_pointer (&foreground);
      else
        {
          /* Tiles with their margins of context agree with the whole image's solve. */
          const double apart = band_colour_error (foreground, untiled, alpha);
          g_test_message ("tiled against untiled: band RMS %.4f", apart);
          g_assert_cmpfloat (apart, <, 0.025);
        }
    }
}

/* The RGBA cut-out is the two stages' results side by side. */
static void
test_cutout_rgba (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (Scene) scene = edge_scene (40, 56, 20.0, 2.0, 2);
  const AtelierMatteOptions matte = atelier_matte_options_default ();
  const AtelierForegroundOptions foreground = atelier_foreground_options_default ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) rgba = atelier_matte_cutout (ctx, scene->image, scene->mask, &matte, &foreground, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) alpha = atelier_matte_refine (ctx, scene->image, scene->mask, &matte, &error);
  g_autoptr (AtelierTensor) colours = atelier_foreground_estimate (ctx, scene->image, alpha, &foreground, &error);
  g_assert_no_error (error);
  const gint64 plane = 40 * 56;
  g_assert_cmpint (rgba->shape[1], ==, 4);
  g_assert_cmpmem (rgba->data, 3 * plane * sizeof (float), colours->data, 3 * plane * sizeof (float));
  g_assert_cmpmem (rgba->data + 3 * plane, plane * sizeof (float), alpha->data, plane * sizeof (float));
  g_autoptr (AtelierTensor) wrong = test_random_4d (1, 1, 40, 55);
  g_assert_null (atelier_matte_cutout (ctx, scene->image, wrong, &matte, &foreground, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

/* The one run of every front end: the matte alone is atelier_matte_refine's, bit for bit, with no colours; times
 * the image's opacity when it has one, the colours estimated under that; and without a network it needs a coarse
 * probability. */
static void
test_cutout_matte_only (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (Scene) scene = edge_scene (40, 56, 20.0, 2.0, 2);
  AtelierCutoutOptions options = atelier_cutout_options_default ();
  options.estimate_foreground = FALSE;
  options.matte.grow = 2.0;
  g_autoptr (GError) error = NULL;
  g_auto (AtelierCutout) cut = { 0 };
  g_assert_true (atelier_cutout_compute (ctx, NULL, scene->image, scene->mask, &options, &cut, &error));
  g_assert_no_error (error);
  g_assert_null (cut.foreground);
  g_autoptr (AtelierTensor) alpha = atelier_matte_refine (ctx, scene->image, scene->mask, &options.matte, &error);
  g_assert_cmpmem (cut.alpha->data, 40 * 56 * sizeof (float), alpha->data, 40 * 56 * sizeof (float));
  g_assert_cmpfloat (cut.matte.wall, >=, 0.0);
  /* The image's own opacity multiplies the matte, before the colours. */
  g_autoptr (AtelierTensor) opacity = test_random_4d (1, 1, 40, 56);
  options.opacity = opacity;
  options.estimate_foreground = TRUE;
  g_auto (AtelierCutout) shown = { 0 };
  g_assert_true (atelier_cutout_compute (ctx, NULL, scene->image, scene->mask, &options, &shown, &error));
  for (gint64 i = 0; i < 40 * 56; i++)
    g_assert_cmpfloat (shown.alpha->data[i], ==, alpha->data[i] * opacity->data[i]);
  const AtelierForegroundOptions foreground = atelier_foreground_options_default ();
  g_autoptr (AtelierTensor) colours = atelier_foreground_estimate (ctx, scene->image, shown.alpha, &foreground, &error);
  g_assert_cmpmem (shown.foreground->data, 3 * 40 * 56 * sizeof (float), colours->data, 3 * 40 * 56 * sizeof (float));
  options.opacity = NULL;
  options.estimate_foreground = FALSE;
  g_auto (AtelierCutout) none = { 0 };
  g_assert_false (atelier_cutout_compute (ctx, NULL, scene->image, NULL, &options, &none, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (none.alpha);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/matting/box-mean", test_box_mean);
  g_test_add_func ("/engine/matting/distance-transform", test_distance_transform);
  g_test_add_func ("/engine/matting/guided-filter/naive", test_guided_filter_naive);
  g_test_add_func ("/engine/matting/guided-filter/bad-input", test_guided_filter_bad_input);
  g_test_add_func ("/engine/matting/shape/grow-shrink", test_grow_shrink);
  g_test_add_func ("/engine/matting/shape/fill-holes", test_fill_holes);
  g_test_add_func ("/engine/matting/shape/contour-distance", test_contour_distance);
  g_test_add_func ("/engine/matting/feather/profile", test_feather_profile);
  g_test_add_func ("/engine/matting/refine/snaps-to-edge", test_refine_snaps_to_edge);
  g_test_add_func ("/engine/matting/refine/softness", test_refine_softness);
  g_test_add_func ("/engine/matting/refine/holes", test_refine_holes);
  g_test_add_func ("/engine/matting/refine/thin-part", test_refine_thin_part);
  g_test_add_func ("/engine/matting/refine/any-budget", test_refine_any_budget);
  g_test_add_func ("/engine/matting/refine/grow", test_refine_grow);
  g_test_add_func ("/engine/matting/refine/bad-input", test_refine_bad_input);
  g_test_add_func ("/engine/matting/refine/degenerate-images", test_degenerate_images);
  g_test_add_func ("/engine/matting/foreground/dense-solve", test_foreground_dense_solve);
  g_test_add_func ("/engine/matting/foreground/synthetic-composite", test_foreground_synthetic_composite);
  g_test_add_func ("/engine/matting/cutout/rgba", test_cutout_rgba);
  g_test_add_func ("/engine/matting/cutout/matte-only", test_cutout_matte_only);
  return g_test_run ();
}
