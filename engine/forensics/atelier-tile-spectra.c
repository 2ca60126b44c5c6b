/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-tile-spectra.h"

#include "core/atelier-error.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

struct _AtelierSpectrumAnalyser
{
  int size;
  float *window;         /* (size): Hann, applied along both axes */
  float *pixels;         /* (size, size): one plane of the tile, windowed */
  float *bordered_luma;  /* (size + 2, size + 2): the tile's luminance and a pixel around it, for the Laplacian */
  /* (size, size / 2 + 1) each: one per colour channel's residual, kept
   * together for the cross spectra; the luminance uses the first. */
  fftwf_complex *bins[ATELIER_TILE_SPECTRA_CHANNELS];
  fftwf_plan plan;
};

AtelierTileSpectra *
atelier_tile_spectra_new (int size, gboolean with_luminance)
{
  AtelierTileSpectra *spectra = g_new0 (AtelierTileSpectra, 1);
  const gsize bins = atelier_tile_spectra_bins (size);
  spectra->size = size;
  spectra->luminance = with_luminance ? g_new0 (float, bins) : NULL;
  spectra->laplacian = g_new0 (float, bins);
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    {
      spectra->residual[c] = g_new0 (float, bins);
      spectra->residual_cross[c] = g_new0 (float, bins);
    }
  return spectra;
}

void
atelier_tile_spectra_free (AtelierTileSpectra *spectra)
{
  if (spectra == NULL)
    return;
  g_free (spectra->luminance);
  g_free (spectra->laplacian);
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    {
      g_free (spectra->residual[c]);
      g_free (spectra->residual_cross[c]);
    }
  g_free (spectra);
}

#define PLANES (2 + 2 * ATELIER_TILE_SPECTRA_CHANNELS)

/* Every plane, the luminance NULL when there is none. */
static void
each_plane (AtelierTileSpectra *spectra, float *planes[PLANES])
{
  planes[0] = spectra->luminance;
  planes[1] = spectra->laplacian;
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    {
      planes[2 + c] = spectra->residual[c];
      planes[2 + ATELIER_TILE_SPECTRA_CHANNELS + c] = spectra->residual_cross[c];
    }
}

void
atelier_tile_spectra_accumulate (AtelierTileSpectra *sum, const AtelierTileSpectra *tile)
{
  g_return_if_fail (sum->size == tile->size && (sum->luminance == NULL) == (tile->luminance == NULL));
  float *to[PLANES], *from[PLANES];
  each_plane (sum, to);
  each_plane ((AtelierTileSpectra *) tile, from);
  const gsize bins = atelier_tile_spectra_bins (sum->size);
  for (int p = 0; p < PLANES; p++)
    {
      if (to[p] == NULL)
        continue;
      for (gsize i = 0; i < bins; i++)
        to[p][i] += from[p][i];
    }
}

void
atelier_tile_spectra_scale (AtelierTileSpectra *spectra, float factor)
{
  float *planes[PLANES];
  each_plane (spectra, planes);
  const gsize bins = atelier_tile_spectra_bins (spectra->size);
  for (int p = 0; p < PLANES; p++)
    {
      if (planes[p] == NULL)
        continue;
      for (gsize i = 0; i < bins; i++)
        planes[p][i] *= factor;
    }
}

static double
hann (int i, int size)
{
  const double s = sin (G_PI * (i + 0.5) / size);
  return s * s;
}

double
atelier_tile_spectra_white_residual_power (int size, int u, int v)
{
  /* Each axis of the window sums sin^4 over its samples: 3 size / 8 exactly. */
  const double energy = 3.0 * size / 8;
  /* The cross difference is (1 - z_x)(1 - z_y): |H|^2 = 4 sin^2 (w_x / 2) 4 sin^2 (w_y / 2). */
  const double su = sin (G_PI * u / size), sv = sin (G_PI * v / size);
  return 16 * su * su * sv * sv * energy * energy;
}

static gpointer
make_planner_thread_safe (gpointer unused)
{
  /* Lets two analyses (two GIMP images, two test threads) plan at once;
   * FFTW's own switch, idempotent. */
  fftwf_make_planner_thread_safe ();
  return NULL;
}

AtelierSpectrumAnalyser *
atelier_spectrum_analyser_new (int size, GError **error)
{
  if (size < 16 || size > 1024 || (size & (size - 1)) != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "spectrum tile size %d is not a power of two from 16 to 1024", size);
      return NULL;
    }
  static GOnce planner_once = G_ONCE_INIT;
  g_once (&planner_once, make_planner_thread_safe, NULL);

  AtelierSpectrumAnalyser *analyser = g_new0 (AtelierSpectrumAnalyser, 1);
  analyser->size = size;
  analyser->window = g_new (float, size);
  for (int i = 0; i < size; i++)
    analyser->window[i] = (float) hann (i, size);
  analyser->pixels = fftwf_alloc_real ((gsize) size * size);
  analyser->bordered_luma = g_new (float, (gsize) (size + 2) * (size + 2));
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    analyser->bins[c] = fftwf_alloc_complex (atelier_tile_spectra_bins (size));
  analyser->plan = fftwf_plan_dft_r2c_2d (size, size, analyser->pixels, analyser->bins[0], FFTW_ESTIMATE);
  return analyser;
}

void
atelier_spectrum_analyser_free (AtelierSpectrumAnalyser *analyser)
{
  if (analyser == NULL)
    return;
  fftwf_destroy_plan (analyser->plan);
  fftwf_free (analyser->pixels);
  g_free (analyser->bordered_luma);
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    fftwf_free (analyser->bins[c]);
  g_free (analyser->window);
  g_free (analyser);
}

/* Removes the mean (so the DC bin does not leak through the window into the
 * lowest frequencies), windows, transforms into @bins and writes |X|^2. */
static void
power_spectrum (AtelierSpectrumAnalyser *analyser, fftwf_complex *bins, float *power)
{
  const int n = analyser->size;
  float *p = analyser->pixels;
  /* Four partial sums, not one: a chain of dependent additions took more time than the FFT's arithmetic. */
  double sums[4] = { 0 };
  for (gsize i = 0; i < (gsize) n * n; i += 4)
    for (int k = 0; k < 4; k++)
      sums[k] += p[i + k];
  const float mean = (float) ((sums[0] + sums[1] + sums[2] + sums[3]) / ((double) n * n));
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      p[(gsize) y * n + x] = (p[(gsize) y * n + x] - mean) * analyser->window[y] * analyser->window[x];
  fftwf_execute_dft_r2c (analyser->plan, p, bins);
  const gsize count = atelier_tile_spectra_bins (n);
  for (gsize i = 0; i < count; i++)
    power[i] = bins[i][0] * bins[i][0] + bins[i][1] * bins[i][1];
}

static void
cross_spectrum (const fftwf_complex *a, const fftwf_complex *b, gsize count, float *cross)
{
  for (gsize i = 0; i < count; i++)
    cross[i] = a[i][0] * b[i][0] + a[i][1] * b[i][1];
}

void
atelier_spectrum_analyser_run (AtelierSpectrumAnalyser *analyser, const AtelierTensor *image, gint64 x0, gint64 y0,
                               AtelierTileSpectra *out)
{
  const int n = analyser->size;
  const gint64 channels = atelier_tensor_c (image), height = atelier_tensor_h (image), width = atelier_tensor_w (image);
  g_return_if_fail (out->size == n && x0 >= 0 && y0 >= 0 && x0 + n <= width && y0 + n <= height);
  const gsize plane = (gsize) (height * width);
  const gboolean colour = channels >= 3;
  const float *rgb[3];
  for (int c = 0; c < 3; c++)
    rgb[c] = image->data + (colour ? c : 0) * plane;

  /* BT.601 luma, the weighting of the JPEG and most forensic literature,
   * with a pixel around the tile for the Laplacian (the image's edge pixel
   * repeated past its border). The tile lies inside the image: only the
   * bordering columns need clamping, and the rows between are plain loops. */
  const int stride = n + 2;
  float *luma = analyser->bordered_luma;
  const gint64 left = MAX (x0 - 1, 0), right = MIN (x0 + n, width - 1);
  for (int y = -1; y <= n; y++)
    {
      const gsize row = (gsize) CLAMP (y0 + y, 0, height - 1) * width;
      const float *r = rgb[0] + row, *g = rgb[1] + row, *b = rgb[2] + row;
      float *to = luma + (gsize) (y + 1) * stride;
      if (colour)
        {
          to[0] = 0.299f * r[left] + 0.587f * g[left] + 0.114f * b[left];
          for (int x = 0; x < n; x++)
            to[x + 1] = 0.299f * r[x0 + x] + 0.587f * g[x0 + x] + 0.114f * b[x0 + x];
          to[n + 1] = 0.299f * r[right] + 0.587f * g[right] + 0.114f * b[right];
        }
      else
        {
          to[0] = r[left];
          memcpy (to + 1, r + x0, n * sizeof (float));
          to[n + 1] = r[right];
        }
    }
  if (out->luminance != NULL)
    {
      for (int y = 0; y < n; y++)
        memcpy (analyser->pixels + (gsize) y * n, luma + (gsize) (y + 1) * stride + 1, n * sizeof (float));
      power_spectrum (analyser, analyser->bins[0], out->luminance);
    }
  for (int y = 0; y < n; y++)
    {
      const float *above = luma + (gsize) y * stride + 1, *centre = above + stride, *below = centre + stride;
      float *to = analyser->pixels + (gsize) y * n;
      for (int x = 0; x < n; x++)
        to[x] = 4 * centre[x] - centre[x - 1] - centre[x + 1] - above[x] - below[x];
    }
  power_spectrum (analyser, analyser->bins[0], out->laplacian);

  /* The cross difference x(i,j) - x(i+1,j) - x(i,j+1) + x(i+1,j+1) removes
   * smooth content and keeps the pixel-periodic traces of up-sampling; past
   * the image's last row or column the edge pixel repeats (only the tile's
   * last column and row can reach past it). */
  const gsize count = atelier_tile_spectra_bins (n);
  const gint64 last_next = MIN (x0 + n, width - 1);
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    {
      if (!colour && c > 0)
        {
          memcpy (out->residual[c], out->residual[0], count * sizeof (float));
          continue;
        }
      for (int y = 0; y < n; y++)
        {
          const gint64 y_here = y0 + y, y_next = MIN (y_here + 1, height - 1);
          const float *here = rgb[c] + y_here * width, *next = rgb[c] + y_next * width;
          float *to = analyser->pixels + (gsize) y * n;
          for (gint64 x = x0; x < x0 + n - 1; x++)
            to[x - x0] = here[x] - here[x + 1] - next[x] + next[x + 1];
          const gint64 x = x0 + n - 1;
          to[n - 1] = here[x] - here[last_next] - next[x] + next[last_next];
        }
      power_spectrum (analyser, analyser->bins[c], out->residual[c]);
    }
  /* A grey image's channels are one: every cross spectrum is its power. */
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    if (colour)
      cross_spectrum (analyser->bins[c], analyser->bins[(c + 1) % ATELIER_TILE_SPECTRA_CHANNELS], count,
                      out->residual_cross[c]);
    else
      memcpy (out->residual_cross[c], out->residual[0], count * sizeof (float));
}
