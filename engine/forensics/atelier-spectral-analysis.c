/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-spectral-analysis.h"

#include "core/atelier-error.h"
#include "forensics/atelier-jpeg-lattice.h"

#include <float.h>
#include <math.h>

void
atelier_spectral_analysis_free (AtelierSpectralAnalysis *analysis)
{
  if (analysis == NULL)
    return;
  g_free (analysis->tile_x);
  g_free (analysis->tile_y);
  g_free (analysis->tile_features);
  g_free (analysis->tile_conditions);
  atelier_tile_spectra_free (analysis->mean_spectra);
  g_free (analysis);
}

/* ---------------------------------------------------------------- validate */

static gboolean
validate (const AtelierTensor *image, GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, -1, -1, -1 }, error))
    return FALSE;
  const gint64 channels = atelier_tensor_c (image), height = atelier_tensor_h (image), width = atelier_tensor_w (image);
  if (channels < 1 || channels > 4)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "an image has 1 to 4 channels, not %d", (int) channels);
      return FALSE;
    }
  if (MIN (width, height) < ATELIER_SPECTRAL_TILE_MIN)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "%dx%d is too small to analyse: the spectrum needs at least %dx%d pixels", (int) width,
                   (int) height, ATELIER_SPECTRAL_TILE_MIN, ATELIER_SPECTRAL_TILE_MIN);
      return FALSE;
    }
  if (!atelier_tensor_all_finite (image))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "the image holds NaN or infinite values");
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- plan */

static gint64 *
tile_origins (gint64 extent, int tile, int *count)
{
  *count = (int) ((extent + tile - 1) / tile);
  gint64 *origins = g_new (gint64, *count);
  for (int i = 0; i < *count; i++)
    origins[i] = *count == 1 ? 0 : (gint64) ((double) i * (extent - tile) / (*count - 1) + 0.5);
  return origins;
}

/* Whether every sampled value is a multiple of 1 / @levels, to within float
 * rounding. */
static gboolean
on_levels (const AtelierTensor *image, double levels)
{
  const gint64 n = atelier_tensor_numel (image), stride = MAX (1, n / 65536);
  const double tolerance = levels * 4 * FLT_EPSILON + 1e-4;
  for (gint64 i = 0; i < n; i += stride)
    {
      const double scaled = image->data[i] * levels;
      if (fabs (scaled - nearbyint (scaled)) > tolerance)
        return FALSE;
    }
  return TRUE;
}

/* The step the pixels were rounded to, from their values: a file's 8 or 16
 * bits, or 0 for float pixels that were never rounded. Up to 65536 values
 * spread over the image decide: a value of a continuous image falls within
 * the tolerance by chance with odds under 1 in 15, never thousands at once. */
static double
quantisation_step (const AtelierTensor *image)
{
  if (on_levels (image, 255))
    return 1.0 / 255;
  if (on_levels (image, 65535))
    return 1.0 / 65535;
  return 0;
}

/* The tile grid, and the rounding floor that the pixels' levels imply; the analysis's results (and the JPEG
 * lattice check's) still empty. */
static AtelierSpectralAnalysis *
plan (const AtelierTensor *image, AtelierJpegOrigin origin)
{
  const gint64 height = atelier_tensor_h (image), width = atelier_tensor_w (image);
  AtelierSpectralAnalysis *a = g_new0 (AtelierSpectralAnalysis, 1);
  a->tile_size = ATELIER_SPECTRAL_TILE_MAX;
  while (a->tile_size > MIN (width, height))
    a->tile_size /= 2;
  a->tile_x = tile_origins (width, a->tile_size, &a->columns);
  a->tile_y = tile_origins (height, a->tile_size, &a->rows);
  const gint64 n_tiles = (gint64) a->rows * a->columns;
  a->tile_features = g_malloc_n (n_tiles, sizeof *a->tile_features);
  a->tile_conditions = g_new0 (AtelierSpectralCondition, n_tiles);
  a->quantisation_step = quantisation_step (image);
  /* Measured on Wikimedia photographs blurred by 4 px and saved at JPEG 95:
   * a median 3.9 times the once-rounded floor in the upper band. */
  a->grey_rounding_variance = a->quantisation_step * a->quantisation_step / 36 * (origin == ATELIER_JPEG_ORIGIN_DECODED ? 4 : 1);
  return a;
}

/* ---------------------------------------------------------------- run */

static AtelierSpectralCondition
lattice_condition (const AtelierSpectralAnalysis *a)
{
  return a->jpeg_lattice ? ATELIER_SPECTRAL_JPEG : 0;
}

/* What one worker owns: FFT plans and buffers, the spectra of its current
 * tile and its share of the Welch sum. */
typedef struct
{
  AtelierSpectrumAnalyser *analyser;
  AtelierTileSpectra *tile, *sum;
} Worker;

static void
workers_free (Worker *workers, int count)
{
  for (int w = 0; w < count; w++)
    {
      atelier_spectrum_analyser_free (workers[w].analyser);
      atelier_tile_spectra_free (workers[w].tile);
      atelier_tile_spectra_free (workers[w].sum);
    }
  g_free (workers);
}

/* Every worker's FFT plans are made here, in the caller's thread: FFTW's planner is not reentrant. */
static Worker *
workers_new (int count, int tile_size, gboolean with_luminance, GError **error)
{
  Worker *workers = g_new0 (Worker, count);
  for (int w = 0; w < count; w++)
    {
      workers[w].analyser = atelier_spectrum_analyser_new (tile_size, error);
      workers[w].tile = atelier_tile_spectra_new (tile_size, with_luminance);
      workers[w].sum = atelier_tile_spectra_new (tile_size, with_luminance);
      if (workers[w].analyser == NULL)
        {
          workers_free (workers, count);
          return NULL;
        }
    }
  return workers;
}

typedef struct
{
  AtelierContext *ctx;
  const AtelierTensor *image;
  const AtelierSpectralBins *geometry;
  AtelierSpectralAnalysis *analysis;
  Worker *workers;
  /* Item 0 is then the JPEG lattice check, the longest item: it runs beside the first tiles, not before them all
   * (a tenth of a 13-megapixel analysis on two threads, when it ran alone). */
  gboolean lattice_to_check;
} Job;

static void
analyse_item (gint64 item, int worker_index, gpointer data)
{
  Job *job = data;
  if (atelier_context_is_cancelled (job->ctx))
    return;
  AtelierSpectralAnalysis *a = job->analysis;
  if (job->lattice_to_check && item == 0)
    {
      a->jpeg_lattice = atelier_jpeg_lattice_found (job->image);
      return;
    }
  const gint64 tile = item - (job->lattice_to_check ? 1 : 0);
  Worker *worker = &job->workers[worker_index];
  const int row = (int) (tile / a->columns), column = (int) (tile % a->columns);
  atelier_spectrum_analyser_run (worker->analyser, job->image, a->tile_x[column], a->tile_y[row], worker->tile);
  a->tile_conditions[tile] = atelier_spectral_features_compute (job->geometry, worker->tile, a->grey_rounding_variance,
                                                                a->wanted, a->tile_features[tile]);
  atelier_tile_spectra_accumulate (worker->sum, worker->tile);
}

/* Every tile's features in parallel, and the JPEG lattice check when @origin leaves it to the pixels; then the
 * features of the tiles' mean spectra (Welch's average). */
static gboolean
run (AtelierContext *ctx, const AtelierTensor *image, AtelierJpegOrigin origin, AtelierSpectralAnalysis *a,
     GError **error)
{
  const int n_workers = atelier_context_get_threads (ctx);
  const gboolean with_luminance = (a->wanted & atelier_spectral_luminance_features ()) != 0;
  Worker *workers = workers_new (n_workers, a->tile_size, with_luminance, error);
  if (workers == NULL)
    return FALSE;
  atelier_context_report_progress (ctx, 0, "Analysing the spectrum");
  g_autoptr (AtelierSpectralBins) geometry = atelier_spectral_bins_new (a->tile_size);
  const gint64 n_tiles = (gint64) a->rows * a->columns;
  /* Only 8-bit pixels can come from a JPEG decoder. */
  Job job = { ctx, image, geometry, a, workers,
              origin == ATELIER_JPEG_ORIGIN_FROM_PIXELS && a->quantisation_step == 1.0 / 255 };
  atelier_context_parallel_for (ctx, n_tiles + (job.lattice_to_check ? 1 : 0), analyse_item, &job);
  for (gint64 t = 0; t < n_tiles; t++)
    a->tile_conditions[t] |= lattice_condition (a);
  a->mean_spectra = atelier_tile_spectra_new (a->tile_size, with_luminance);
  for (int w = 0; w < n_workers; w++)
    atelier_tile_spectra_accumulate (a->mean_spectra, workers[w].sum);
  atelier_tile_spectra_scale (a->mean_spectra, 1.0f / (float) n_tiles);
  a->conditions = atelier_spectral_features_compute (geometry, a->mean_spectra, a->grey_rounding_variance, a->wanted,
                                                     a->features)
                  | lattice_condition (a);
  a->detail_over_rounding = atelier_spectral_detail_over_rounding (geometry, a->mean_spectra, a->grey_rounding_variance);
  workers_free (workers, n_workers);
  if (!atelier_context_check_cancelled (ctx, error))
    return FALSE;
  atelier_context_report_progress (ctx, 1, "Analysing the spectrum");
  return TRUE;
}

AtelierSpectralAnalysis *
atelier_spectral_analysis_run_for (AtelierContext *ctx, const AtelierTensor *image, AtelierJpegOrigin origin,
                                   guint64 wanted, GError **error)
{
  if (!validate (image, error))
    return NULL;
  g_autoptr (AtelierSpectralAnalysis) a = plan (image, origin);
  a->wanted = wanted;
  if (!run (ctx, image, origin, a, error))
    return NULL;
  return g_steal_pointer (&a);
}

AtelierSpectralAnalysis *
atelier_spectral_analysis_run (AtelierContext *ctx, const AtelierTensor *image, AtelierJpegOrigin origin,
                               GError **error)
{
  return atelier_spectral_analysis_run_for (ctx, image, origin, ATELIER_SPECTRAL_ALL_FEATURES, error);
}
