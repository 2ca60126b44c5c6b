/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-seamless-fill.h"

#include "pipelines/atelier-alpha-fill.h"
#include "pipelines/atelier-selection.h"

#include <math.h>
#include <string.h>

/* V-cycles stop when a Gauss-Seidel sweep would move no cell by more than this, an 8000th of an 8-bit step,
 * or after MAX_CYCLES; a cycle cuts the error by about 40 % (the result is within 1e-5 of a naive solver's,
 * tests/test-unet.c). With the damped correction a cycle does a little less, and at 2e-6 the ramp of
 * tests/test-unet.c stopped 2e-4 from the solution. */
#define CONVERGED_CHANGE 5e-7f
#define MAX_CYCLES 40
#define SMOOTHING_SWEEPS 2
#define COARSEST_SWEEPS 200

/* The equation's domain at one level of the multigrid: which cells are held fixed (the border's values at
 * the finest level, a zero correction below) and the box (top, left, bottom, right; inclusive) of the free
 * ones, the only cells the sweeps visit. */
typedef struct
{
  int64_t h, w;
  guint8 *fixed;
  int64_t free_box[4];
} Grid;

static void
grid_clear (Grid *grid)
{
  g_free (grid->fixed);
}

static gboolean
grid_has_free_cells (const Grid *grid)
{
  return grid->free_box[2] >= grid->free_box[0];
}

static void
find_free_box (Grid *grid)
{
  int64_t *box = grid->free_box;
  box[0] = grid->h, box[1] = grid->w, box[2] = -1, box[3] = -1;
  for (int64_t y = 0; y < grid->h; y++)
    for (int64_t x = 0; x < grid->w; x++)
      if (!grid->fixed[y * grid->w + x])
        box[0] = MIN (box[0], y), box[1] = MIN (box[1], x), box[2] = MAX (box[2], y), box[3] = MAX (box[3], x);
}

/* A coarse cell is free only when all its 2x2 children are, so that a coarse correction never moves a
 * border cell; a hole thinner than the level's cells is left to the finer levels, which settle it fast. */
static Grid
coarsen (const Grid *fine)
{
  Grid coarse = { (fine->h + 1) / 2, (fine->w + 1) / 2, NULL, { 0 } };
  coarse.fixed = g_new0 (guint8, coarse.h * coarse.w);
  for (int64_t y = 0; y < fine->h; y++)
    for (int64_t x = 0; x < fine->w; x++)
      coarse.fixed[(y / 2) * coarse.w + x / 2] |= fine->fixed[y * fine->w + x];
  find_free_box (&coarse);
  return coarse;
}

/* Laplace's (or, below the finest level, Poisson's) equation at a free cell, n u - sum of neighbours = b,
 * has the Gauss-Seidel update u = (b + sum) / n. Neighbours outside the image are left out: no flux
 * crosses the image's edge. Returns the update minus the current value. */
static inline float
update_of (const float *u, const float *b, const Grid *grid, int64_t y, int64_t x)
{
  const int64_t w = grid->w, i = y * w + x;
  if (y > 0 && y < grid->h - 1 && x > 0 && x < w - 1)
    return (b[i] + u[i - w] + u[i + w] + u[i - 1] + u[i + 1]) * 0.25f - u[i];
  float sum = b[i];
  int neighbours = 0;
  if (y > 0)
    sum += u[i - w], neighbours++;
  if (y < grid->h - 1)
    sum += u[i + w], neighbours++;
  if (x > 0)
    sum += u[i - 1], neighbours++;
  if (x < w - 1)
    sum += u[i + 1], neighbours++;
  return neighbours > 0 ? sum / (float) neighbours - u[i] : 0.0f;
}

static void
smooth (float *u, const float *b, const Grid *grid, int sweeps)
{
  const int64_t *box = grid->free_box;
  for (int sweep = 0; sweep < sweeps; sweep++)
    for (int64_t y = box[0]; y <= box[2]; y++)
      for (int64_t x = box[1]; x <= box[3]; x++)
        if (!grid->fixed[y * grid->w + x])
          u[y * grid->w + x] += update_of (u, b, grid, y, x);
}

/* The residual b - (n u - sum) at free cells, summed over each coarse cell's children: the right-hand
 * side of the coarse correction's equation (the same stencil on cells twice the size). Returns the
 * largest update a sweep would make, the convergence measure. */
static float
restrict_residual (const float *u, const float *b, const Grid *fine, float *coarse_b, const Grid *coarse)
{
  memset (coarse_b, 0, sizeof (float) * coarse->h * coarse->w);
  const int64_t *box = fine->free_box;
  float largest = 0;
  for (int64_t y = box[0]; y <= box[2]; y++)
    for (int64_t x = box[1]; x <= box[3]; x++)
      if (!fine->fixed[y * fine->w + x])
        {
          const float update = update_of (u, b, fine, y, x);
          const int neighbours = (y > 0) + (y < fine->h - 1) + (x > 0) + (x < fine->w - 1);
          coarse_b[(y / 2) * coarse->w + x / 2] += update * (float) neighbours;
          largest = MAX (largest, fabsf (update));
        }
  return largest;
}

/* Adds the coarse correction to the free cells, bilinearly interpolated at their centres (weights 9, 3, 3
 * and 1 sixteenths; the image's edge mirrors), times CORRECTION_DAMPING. Piecewise-constant interpolation was
 * tried: a cycle then cut the error by only 6 %. Undamped, the correction overshot where a hole is one coarse
 * cell thick along the image's edge: two 64-pixel bands along opposite edges of a 512x512 image (Extend
 * Canvas to 1:1 at the working size) diverged, the shift reaching +-12 after 40 cycles, and a 64-pixel ring
 * to 162; at 0.9 they converge in 8 and 10 cycles, single bands in 5 and 8. */
#define CORRECTION_DAMPING 0.9f

static void
add_interpolated (float *u, const Grid *fine, const float *coarse_u, const Grid *coarse)
{
  const int64_t *box = fine->free_box, cw = coarse->w;
  for (int64_t y = box[0]; y <= box[2]; y++)
    {
      const int64_t cy = y / 2, ny = CLAMP (cy + (y % 2 ? 1 : -1), 0, coarse->h - 1);
      for (int64_t x = box[1]; x <= box[3]; x++)
        if (!fine->fixed[y * fine->w + x])
          {
            const int64_t cx = x / 2, nx = CLAMP (cx + (x % 2 ? 1 : -1), 0, cw - 1);
            u[y * fine->w + x] += CORRECTION_DAMPING
                                  * (0.5625f * coarse_u[cy * cw + cx] + 0.1875f * coarse_u[ny * cw + cx]
                                     + 0.1875f * coarse_u[cy * cw + nx] + 0.0625f * coarse_u[ny * cw + nx]);
          }
    }
}

/* One V-cycle from level l down; u[l], b[l] per level. Returns the level's convergence measure before the
 * cycle, 0 when the level was solved outright. */
static float
v_cycle (const GArray *grids, guint l, float **u, float **b)
{
  const Grid *grid = &g_array_index (grids, Grid, l);
  /* The coarsest level with free cells is solved outright. When that is the finest level, the hole is
   * at most two pixels wide (or tiny), where every cell has fixed neighbours and sweeps converge fast. */
  if (l + 1 == grids->len || !grid_has_free_cells (&g_array_index (grids, Grid, l + 1)))
    {
      smooth (u[l], b[l], grid, COARSEST_SWEEPS);
      return 0;
    }
  const Grid *coarse = &g_array_index (grids, Grid, l + 1);
  smooth (u[l], b[l], grid, SMOOTHING_SWEEPS);
  const float largest = restrict_residual (u[l], b[l], grid, b[l + 1], coarse);
  memset (u[l + 1], 0, sizeof (float) * coarse->h * coarse->w);
  v_cycle (grids, l + 1, u, b);
  add_interpolated (u[l], grid, u[l + 1], coarse);
  smooth (u[l], b[l], grid, SMOOTHING_SWEEPS);
  return largest;
}

typedef struct
{
  const GArray *grids;
  float *field; /* C planes of the finest level: the border's values fixed, the free cells' start */
} MembraneJob;

static void
solve_plane (gint64 plane_index, int worker, gpointer data)
{
  (void) worker;
  const MembraneJob *job = data;
  const GArray *grids = job->grids;
  const Grid *finest = &g_array_index (grids, Grid, 0);
  g_autofree float **u = g_new0 (float *, grids->len);
  g_autofree float **b = g_new0 (float *, grids->len);
  u[0] = job->field + plane_index * finest->h * finest->w;
  b[0] = g_new0 (float, finest->h * finest->w); /* Laplace: no source */
  for (guint l = 1; l < grids->len; l++)
    {
      const Grid *grid = &g_array_index (grids, Grid, l);
      u[l] = g_new0 (float, grid->h * grid->w);
      b[l] = g_new0 (float, grid->h * grid->w);
    }
  for (int cycle = 0; cycle < MAX_CYCLES; cycle++)
    if (v_cycle (grids, 0, u, b) < CONVERGED_CHANGE)
      break;
  for (guint l = 0; l < grids->len; l++)
    g_free (b[l]);
  for (guint l = 1; l < grids->len; l++)
    g_free (u[l]);
}

/* The shift that makes the fill meet the image on @box (top, left, height, width), which holds the selected
 * box @selected with a margin: image - fill at the unselected cells, the membrane through those at the
 * selected ones. */
static AtelierTensor *
shift_on_box (AtelierContext *ctx, const AtelierTensor *fill, const AtelierTensor *image,
              const AtelierTensor *selection, const int64_t box[4], const int64_t selected[4], GError **error)
{
  const int64_t channels = fill->shape[1], H = fill->shape[2], W = fill->shape[3];
  const int64_t top = box[0], left = box[1], h = box[2], w = box[3], plane = h * w;
  g_autoptr (AtelierTensor) border = atelier_tensor_new_4d (1, channels, h, w, error);
  g_autoptr (AtelierTensor) known = border ? atelier_tensor_new_4d (1, 1, h, w, error) : NULL;
  if (known == NULL)
    return NULL;
  for (int64_t c = 0; c < channels; c++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          const int64_t i = (c * H + top + y) * W + left + x;
          border->data[(c * h + y) * w + x] = image->data[i] - fill->data[i];
        }
  g_autoptr (GArray) grids = g_array_new (FALSE, FALSE, sizeof (Grid));
  g_array_set_clear_func (grids, (GDestroyNotify) grid_clear);
  Grid finest = { h, w, g_new (guint8, plane),
                  { selected[0] - top, selected[1] - left, selected[0] + selected[2] - 1 - top,
                    selected[1] + selected[3] - 1 - left } };
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      {
        finest.fixed[y * w + x] = selection->data[(top + y) * W + left + x] <= ATELIER_SELECTED_THRESHOLD;
        known->data[y * w + x] = finest.fixed[y * w + x];
      }
  g_array_append_val (grids, finest);
  for (const Grid *last = &finest; grid_has_free_cells (last) && MAX (last->h, last->w) > 2;
       last = &g_array_index (grids, Grid, grids->len - 1))
    {
      Grid coarse = coarsen (last);
      g_array_append_val (grids, coarse);
    }
  /* Push-pull interpolation of the border's values is smooth and not far from the membrane: the cycles
   * start there. */
  AtelierTensor *shift = atelier_alpha_fill (ctx, border, known, error);
  if (shift == NULL)
    return NULL;
  MembraneJob job = { grids, shift->data };
  atelier_context_parallel_for (ctx, channels, solve_plane, &job);
  return shift;
}

gboolean
atelier_seamless_fill (AtelierContext *ctx, AtelierTensor *fill, const AtelierTensor *image,
                       const AtelierTensor *selection, GError **error)
{
  if (!atelier_tensor_check_shape (fill, "fill", 4, (const int64_t[]) { 1, -1, -1, -1 }, error)
      || !atelier_tensor_check_shape (image, "image", 4, fill->shape, error)
      || !atelier_tensor_check_shape (selection, "selection", 4,
                                      (const int64_t[]) { 1, 1, fill->shape[2], fill->shape[3] }, error))
    return FALSE;
  const int64_t channels = fill->shape[1], h = fill->shape[2], w = fill->shape[3];
  int64_t selected[4], box[4] = { 0, 0, 0, 0 };
  const int64_t selected_count = atelier_selection_bounds (selection, selected);
  if (selected_count == h * w)
    {
      for (int64_t i = 0; i < atelier_tensor_numel (fill); i++)
        fill->data[i] = CLAMP (fill->data[i], 0.0f, 1.0f);
      return TRUE;
    }
  g_autoptr (AtelierTensor) shift = NULL;
  if (selected_count > 0)
    {
      /* Only the border cells next to the selection enter the equation: it is solved on the selection's
       * box grown by one pixel. */
      box[0] = MAX (0, selected[0] - 1), box[1] = MAX (0, selected[1] - 1);
      box[2] = MIN (h, selected[0] + selected[2] + 1) - box[0];
      box[3] = MIN (w, selected[1] + selected[3] + 1) - box[1];
      if (!(shift = shift_on_box (ctx, fill, image, selection, box, selected, error)))
        return FALSE;
    }
  for (int64_t c = 0; c < channels; c++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          const int64_t i = (c * h + y) * w + x;
          const gboolean in_box = y >= box[0] && y < box[0] + box[2] && x >= box[1] && x < box[1] + box[3];
          const float value = in_box ? fill->data[i] + shift->data[(c * box[2] + y - box[0]) * box[3] + x - box[1]]
                                     : image->data[i];
          fill->data[i] = CLAMP (value, 0.0f, 1.0f);
        }
  return TRUE;
}
