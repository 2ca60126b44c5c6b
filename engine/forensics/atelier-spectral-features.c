/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "forensics/atelier-spectral-features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RADIAL_RINGS ATELIER_SPECTRAL_RINGS
#define ANGLE_SECTORS ATELIER_SPECTRAL_SECTORS
#define DECAY_FEATURES 5
#define PEAK_FEATURES_PER_CHANNEL 5
#define CHROMA_BANDS ATELIER_SPECTRAL_CHROMA_BANDS
#define RESIDUAL_RINGS (ATELIER_SPECTRAL_RINGS / 2)
#define AXIS_PEAK_FEATURES 4
/* The chroma bands above a quarter of Nyquist: (1/4, 1/2], (1/2, 1], the corners. */
#define SPIKE_BANDS (CHROMA_BANDS - 1)
/* Keeps log() finite on a flat tile; far below any real image's power. */
#define POWER_FLOOR 1e-12

enum
{
  RADIAL_FIRST = 0,
  DECAY_FIRST = RADIAL_FIRST + RADIAL_RINGS,
  ANGLE_FIRST = DECAY_FIRST + DECAY_FEATURES,
  PEAKS_FIRST = ANGLE_FIRST + ANGLE_SECTORS,
  CHROMA_FIRST = PEAKS_FIRST + PEAK_FEATURES_PER_CHANNEL * ATELIER_TILE_SPECTRA_CHANNELS,
  RESIDUAL_RING_FIRST = CHROMA_FIRST + CHROMA_BANDS,
  AXIS_PEAKS_FIRST = RESIDUAL_RING_FIRST + RESIDUAL_RINGS,
  SPIKE_FIRST = AXIS_PEAKS_FIRST + AXIS_PEAK_FEATURES,
  FEATURE_END = SPIKE_FIRST + SPIKE_BANDS,
};
G_STATIC_ASSERT (FEATURE_END == ATELIER_SPECTRAL_FEATURE_COUNT);

#define E ATELIER_SPECTRAL_CUE_ENERGY_DISTRIBUTION
#define D ATELIER_SPECTRAL_CUE_HIGH_FREQUENCY_DECAY
#define A ATELIER_SPECTRAL_CUE_DIRECTIONAL_ENERGY
#define P8 ATELIER_SPECTRAL_CUE_GRID_8_PEAKS
#define P16 ATELIER_SPECTRAL_CUE_GRID_16_PEAKS
#define PN ATELIER_SPECTRAL_CUE_NYQUIST_PEAKS
#define C ATELIER_SPECTRAL_CUE_COLOUR_DETAIL
#define O ATELIER_SPECTRAL_CUE_OFF_GRID_PEAKS
#define JPEG ATELIER_SPECTRAL_JPEG
#define GREY ATELIER_SPECTRAL_GREY
#define ROUNDING(band) (ATELIER_SPECTRAL_ROUNDING_LOW << (band))
#define PEAKS(c) \
  { "peaks8-mean-" c, P8, JPEG }, { "peaks8-max-" c, P8, JPEG }, { "peaks16-mean-" c, P16, 0 }, \
  { "peaks16-max-" c, P16, 0 }, { "peaks2-max-" c, PN, JPEG }

static const AtelierSpectralFeatureInfo feature_info[] = {
  { "radial-00", E, 0 }, { "radial-01", E, 0 }, { "radial-02", E, 0 }, { "radial-03", E, 0 },
  { "radial-04", E, 0 }, { "radial-05", E, 0 }, { "radial-06", E, 0 }, { "radial-07", E, 0 },
  { "radial-08", E, 0 }, { "radial-09", E, 0 }, { "radial-10", E, 0 }, { "radial-11", E, 0 },
  { "radial-12", E, 0 }, { "radial-13", E, 0 }, { "radial-14", E, 0 }, { "radial-15", E, 0 },
  { "decay-slope-mid", D, 0 }, { "decay-slope-high", D, 0 }, { "decay-fit-error", D, 0 }, { "decay-tail", D, 0 },
  { "decay-corner", D, 0 },
  { "angle-000", A, 0 }, { "angle-022", A, 0 }, { "angle-045", A, 0 }, { "angle-067", A, 0 },
  { "angle-090", A, 0 }, { "angle-112", A, 0 }, { "angle-135", A, 0 }, { "angle-157", A, 0 },
  PEAKS ("r"), PEAKS ("g"), PEAKS ("b"),
  { "chroma-low", C, GREY | ROUNDING (0) }, { "chroma-mid", C, GREY | ROUNDING (1) },
  { "chroma-high", C, GREY | ROUNDING (2) }, { "chroma-corner", C, GREY | ROUNDING (3) },
  { "residual-ring-0", D, 0 }, { "residual-ring-1", D, 0 }, { "residual-ring-2", D, 0 }, { "residual-ring-3", D, 0 },
  { "residual-ring-4", D, 0 }, { "residual-ring-5", D, 0 }, { "residual-ring-6", D, 0 }, { "residual-ring-7", D, 0 },
  { "residual-axis8-mean", P8, JPEG }, { "residual-axis8-max", P8, JPEG }, { "residual-axis16-mean", P16, 0 },
  { "residual-axis16-max", P16, 0 },
  { "residual-spike-mid", O, 0 }, { "residual-spike-high", O, 0 }, { "residual-spike-corner", O, 0 },
};
G_STATIC_ASSERT (G_N_ELEMENTS (feature_info) == ATELIER_SPECTRAL_FEATURE_COUNT);
G_STATIC_ASSERT (ROUNDING (CHROMA_BANDS - 1) == ATELIER_SPECTRAL_ROUNDING_CORNER);
G_STATIC_ASSERT (ATELIER_SPECTRAL_ROUNDING_CORNER == 1 << (ATELIER_SPECTRAL_CONDITION_COUNT - 1));
G_STATIC_ASSERT (ATELIER_SPECTRAL_FEATURE_COUNT <= 64);

/* Rounding's share of a band at which the band is set aside: half. */
#define ROUNDING_LIMIT 2.0

const char *
atelier_spectral_condition_nick (int index)
{
  static const char *const nicks[ATELIER_SPECTRAL_CONDITION_COUNT]
    = { "jpeg", "grey", "rounding-low", "rounding-mid", "rounding-high", "rounding-corner" };
  g_return_val_if_fail (index >= 0 && index < ATELIER_SPECTRAL_CONDITION_COUNT, NULL);
  return nicks[index];
}

guint64
atelier_spectral_set_aside (AtelierSpectralCondition conditions)
{
  guint64 set_aside = 0;
  for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    if (feature_info[i].uninformative_when & conditions)
      set_aside |= G_GUINT64_CONSTANT (1) << i;
  return set_aside;
}

const AtelierSpectralFeatureInfo *
atelier_spectral_feature_info (int index)
{
  g_return_val_if_fail (index >= 0 && index < ATELIER_SPECTRAL_FEATURE_COUNT, NULL);
  return &feature_info[index];
}

float
atelier_spectral_power_at (const float *power, int size, int u, int v)
{
  const int half = size / 2;
  if (u < 0 || u > half)
    {
      u = u < 0 ? -u : size - u;
      v = -v;
    }
  /* The size is a power of two: a mask wraps v as % would, without a division (16 of them a peak score). */
  v &= size - 1;
  return power[(gsize) v * (half + 1) + u];
}

/* Insertion sort: for 16 values, a fifth of qsort's time (its calls through a
 * comparison function), and a peak score is taken some 400 times a tile. */
static void
sort_floats (float *values, int n)
{
  for (int i = 1; i < n; i++)
    {
      const float value = values[i];
      int j = i;
      for (; j > 0 && values[j - 1] > value; j--)
        values[j] = values[j - 1];
      values[j] = value;
    }
}

float
atelier_spectral_peak_score (const float *power, int size, int u, int v)
{
  float ring[16];
  int n = 0;
  for (int dv = -2; dv <= 2; dv++)
    for (int du = -2; du <= 2; du++)
      if (abs (du) == 2 || abs (dv) == 2)
        ring[n++] = atelier_spectral_power_at (power, size, u + du, v + dv);
  sort_floats (ring, n);
  const double median = 0.5 * (ring[n / 2 - 1] + ring[n / 2]);
  return (float) (log (atelier_spectral_power_at (power, size, u, v) + POWER_FLOOR) - log (median + POWER_FLOOR));
}

void
atelier_spectral_foreach_harmonic (int size, AtelierHarmonicFunc fn, gpointer data)
{
  /* The 16-grid holds the 8-grid; both need 4 bins between harmonics so the
   * scoring ring stays clear of its neighbours. */
  const int step = size / 16;
  if (step < 4)
    return;
  for (int k = 0; k <= 8; k++)
    for (int l = -7; l <= 8; l++)
      {
        /* The cross difference's response vanishes on both axes, so a
         * harmonic there is only window leakage; on the Nyquist column
         * (l, -l) is one harmonic twice. */
        if (k == 0 || l == 0 || (k == 8 && l < 0))
          continue;
        AtelierSpectralCue cue;
        if (k == 8 && l == 8)
          cue = ATELIER_SPECTRAL_CUE_NYQUIST_PEAKS;
        else if (k % 2 == 0 && l % 2 == 0)
          cue = ATELIER_SPECTRAL_CUE_GRID_8_PEAKS;
        else
          cue = ATELIER_SPECTRAL_CUE_GRID_16_PEAKS;
        fn (k * step, l * step, cue, data);
      }
}

typedef struct
{
  const float *power;
  int size;
  double sum[ATELIER_SPECTRAL_CUE_COUNT];
  float max[ATELIER_SPECTRAL_CUE_COUNT];
  int count[ATELIER_SPECTRAL_CUE_COUNT];
} PeakStatistics;

static void
score_harmonic (int u, int v, AtelierSpectralCue cue, gpointer data)
{
  PeakStatistics *stats = data;
  const float score = atelier_spectral_peak_score (stats->power, stats->size, u, v);
  stats->sum[cue] += score;
  stats->max[cue] = stats->count[cue] == 0 ? score : MAX (stats->max[cue], score);
  stats->count[cue]++;
}

static void
peak_features (const float *power, int size, float *out)
{
  PeakStatistics stats = { .power = power, .size = size };
  atelier_spectral_foreach_harmonic (size, score_harmonic, &stats);
  const AtelierSpectralCue p8 = ATELIER_SPECTRAL_CUE_GRID_8_PEAKS, p16 = ATELIER_SPECTRAL_CUE_GRID_16_PEAKS,
                           pn = ATELIER_SPECTRAL_CUE_NYQUIST_PEAKS;
  out[0] = stats.count[p8] ? (float) (stats.sum[p8] / stats.count[p8]) : 0;
  out[1] = stats.max[p8];
  out[2] = stats.count[p16] ? (float) (stats.sum[p16] / stats.count[p16]) : 0;
  out[3] = stats.max[p16];
  out[4] = stats.max[pn];
}

/* Peaks of the Laplacian residual on the axes, at multiples k of size / 16:
 * even k on the 8-grid (k = 8: the period-2 harmonic, JPEG's too), odd k on
 * the 16-grid only; mean and max of each. */
static void
axis_peak_features (const float *power, int size, float out[AXIS_PEAK_FEATURES])
{
  const int step = size / 16;
  double sum[2] = { 0 };
  float max[2] = { -G_MAXFLOAT, -G_MAXFLOAT };
  for (int k = 1; k <= 8; k++)
    for (int axis = 0; axis < 2; axis++)
      {
        const float score = atelier_spectral_peak_score (power, size, axis ? 0 : k * step, axis ? k * step : 0);
        const int grid16_only = k % 2;
        sum[grid16_only] += score;
        max[grid16_only] = MAX (max[grid16_only], score);
      }
  out[0] = (float) (sum[0] / 8), out[1] = max[0];
  out[2] = (float) (sum[1] / 8), out[3] = max[1];
}

/* Whether a frequency (on one axis) lies within one bin of a multiple of
 * size / 8. A bin near the 8-pixel grid's harmonics, on both axes (the
 * window spreads a harmonic over its neighbours), holds JPEG's blocks and
 * the up-sampling grids that the peak features already score. */
static gboolean
near_grid_8 (int frequency, int size)
{
  /* A mask, not %: the step is a power of two (as the size), and a division per bin was most of the pass. */
  const int step = size / 8, d = frequency & (step - 1);
  return d <= 1 || d == step - 1;
}

/* Per band above a quarter of Nyquist, the log ratio of its strongest bin
 * off the 8-grid to its mean power. */
static void
spike_features (const AtelierSpectralBins *geometry, const float *power, float out[SPIKE_BANDS])
{
  const int size = geometry->size;
  double sum[CHROMA_BANDS] = { 0 };
  atelier_spectral_bins_band_sums (geometry, power, sum);
  float max[CHROMA_BANDS] = { 0 };
  for (int r = 0; r < geometry->n_runs; r++)
    {
      const AtelierSpectralBinRun *run = &geometry->runs[r];
      if (run->chroma_band == 0)
        continue;
      const int v = (int) (run->start / (size / 2 + 1)), first_u = (int) (run->start % (size / 2 + 1));
      const gboolean row_near_grid = near_grid_8 (v, size);
      float strongest = max[run->chroma_band];
      for (int i = 0; i < run->length; i++)
        if (!row_near_grid || !near_grid_8 (first_u + i, size))
          strongest = MAX (strongest, power[run->start + i]);
      max[run->chroma_band] = strongest;
    }
  for (int b = 0; b < SPIKE_BANDS; b++)
    {
      const double weight = geometry->band_weight[b + 1];
      out[b] = (float) (log (max[b + 1] + POWER_FLOOR) - log ((weight > 0 ? sum[b + 1] / weight : 0) + POWER_FLOOR));
    }
}

typedef struct
{
  double power, weight;
} Mean;

static double
mean_log (const Mean *m)
{
  return log ((m->weight > 0 ? m->power / m->weight : 0) + POWER_FLOOR);
}

/* Least-squares line through (log f, log power) over rings whose frequency
 * lies in [lo, hi]; returns the slope, and the intercept and RMS error
 * through the pointers. */
static double
fit_decay (const double *log_power, int half, double lo, double hi, double *intercept, double *rms)
{
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (int j = 1; j <= half; j++)
    {
      const double f = (double) j / half;
      if (f < lo || f > hi)
        continue;
      const double x = log (f), y = log_power[j];
      sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
    }
  const double denominator = n * sxx - sx * sx;
  const double slope = n > 1 && denominator > 0 ? (n * sxy - sx * sy) / denominator : 0;
  *intercept = n > 0 ? (sy - slope * sx) / n : 0;
  double squared = 0;
  for (int j = 1; j <= half; j++)
    {
      const double f = (double) j / half;
      if (f >= lo && f <= hi)
        {
          const double residual = log_power[j] - (*intercept + slope * log (f));
          squared += residual * residual;
        }
    }
  *rms = n > 0 ? sqrt (squared / n) : 0;
  return slope;
}

static void
subtract_mean (float *values, int n)
{
  double sum = 0;
  for (int i = 0; i < n; i++)
    sum += values[i];
  for (int i = 0; i < n; i++)
    values[i] -= (float) (sum / n);
}

/* The energy of the residual of (R + G + B) / 3, from the sum of the three
 * channels' own energies and of their three cross terms. */
static double
grey_energy (double own, double cross)
{
  return (own + 2 * cross) / 9;
}

/* Per chroma band, the sum of the residuals' own energies over the three
 * channels and of their three cross terms. */
static void
residual_band_energies (const AtelierSpectralBins *geometry, const AtelierTileSpectra *spectra,
                        double own[CHROMA_BANDS], double cross[CHROMA_BANDS])
{
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    {
      atelier_spectral_bins_band_sums (geometry, spectra->residual[c], own);
      atelier_spectral_bins_band_sums (geometry, spectra->residual_cross[c], cross);
    }
}

/* GREY and ROUNDING_* from the bands' energies (residual_band_energies). */
static AtelierSpectralCondition
band_conditions (const AtelierSpectralBins *geometry, const double own_bands[CHROMA_BANDS],
                 const double cross_bands[CHROMA_BANDS], double grey_rounding_variance)
{
  double own = 0, cross = 0;
  AtelierSpectralCondition conditions = 0;
  for (int b = 0; b < CHROMA_BANDS; b++)
    {
      own += own_bands[b], cross += cross_bands[b];
      if (grey_rounding_variance > 0
          && grey_energy (own_bands[b], cross_bands[b])
               < ROUNDING_LIMIT * grey_rounding_variance * geometry->white_residual_power[b])
        conditions |= ROUNDING (b);
    }
  if (own / 3 - grey_energy (own, cross) <= 1e-6 * own / 3)
    conditions |= GREY;
  return conditions;
}

/* Per band, log (chroma / grey) of the residual's energy, where grey is the
 * residual of (R + G + B) / 3 and chroma the mean energy of each channel's
 * difference from it. A camera's fine detail is nearly grey: the lens blurs
 * all colours alike and demosaicing interpolates the colour differences
 * smoothly (Gunturk et al. 2005), so high-frequency detail is shared by the
 * channels; a generator paints each channel through its own output filter.
 * A filter applied alike to every channel (blur, sharpening) changes the
 * grey and the chroma energy of a band by about the same factor, so unlike
 * the radial features these do not measure how much fine detail there is;
 * but once a heavy blur has left only rounding in a band, rounding's noise,
 * independent in each channel, reads as colour: such bands are set aside
 * (ROUNDING_*). */
static void
chroma_features (const double own[CHROMA_BANDS], const double cross[CHROMA_BANDS], float *out)
{
  for (int b = 0; b < CHROMA_BANDS; b++)
    {
      const double grey = grey_energy (own[b], cross[b]), chroma = own[b] / 3 - grey;
      /* The floor, a ten-thousandth of a channel's energy, bounds a grey
       * image's value; such images are set aside (GREY). */
      out[b] = (float) (log (MAX (chroma, 0) + 1e-4 * own[b] / 3 + POWER_FLOOR) - log (grey + POWER_FLOOR));
    }
}

double
atelier_spectral_detail_over_rounding (const AtelierSpectralBins *geometry, const AtelierTileSpectra *spectra,
                                       double grey_rounding_variance)
{
  enum { HIGH_BAND = 2 };
  g_return_val_if_fail (geometry->size == spectra->size, 0);
  if (grey_rounding_variance <= 0)
    return 0;
  double own[CHROMA_BANDS] = { 0 }, cross[CHROMA_BANDS] = { 0 };
  residual_band_energies (geometry, spectra, own, cross);
  return grey_energy (own[HIGH_BAND], cross[HIGH_BAND])
         / (grey_rounding_variance * geometry->white_residual_power[HIGH_BAND]);
}

/* The families of the luminance's spectrum: radial, decay, angle. */
static void
luminance_features (const AtelierSpectralBins *geometry, const float *luminance, float *features)
{
  const int half = geometry->size / 2;
  Mean radial[RADIAL_RINGS] = { 0 }, sectors[ANGLE_SECTORS] = { 0 }, corner = { 0 }, below_nyquist = { 0 };
  g_autofree Mean *rings = g_new0 (Mean, half + 1);
  const gsize n_bins = atelier_tile_spectra_bins (geometry->size);
  for (gsize at = 0; at < n_bins; at++)
    {
      const AtelierSpectralBin *bin = &geometry->bins[at];
      if (bin->weight == 0)
        continue;
      /* The half spectrum stands for both halves, except its columns u = 0
       * and u = Nyquist which have no mirror image. */
      const double weight = bin->weight, p = luminance[at] * weight;
      if (bin->ring16 == ATELIER_SPECTRAL_NOWHERE)
        {
          corner.power += p, corner.weight += weight;
          continue;
        }
      radial[bin->ring16].power += p, radial[bin->ring16].weight += weight;
      rings[bin->ring].power += p, rings[bin->ring].weight += weight;
      if (bin->below_nyquist)
        below_nyquist.power += p, below_nyquist.weight += weight;
      if (bin->sector != ATELIER_SPECTRAL_NOWHERE)
        sectors[bin->sector].power += p, sectors[bin->sector].weight += weight;
    }

  for (int i = 0; i < RADIAL_RINGS; i++)
    features[RADIAL_FIRST + i] = (float) mean_log (&radial[i]);
  subtract_mean (features + RADIAL_FIRST, RADIAL_RINGS);
  for (int i = 0; i < ANGLE_SECTORS; i++)
    features[ANGLE_FIRST + i] = (float) mean_log (&sectors[i]);
  subtract_mean (features + ANGLE_FIRST, ANGLE_SECTORS);

  g_autofree double *log_power = g_new0 (double, half + 1);
  for (int j = 1; j <= half; j++)
    log_power[j] = mean_log (&rings[j]);
  double intercept_mid, rms_mid, intercept_high, rms_high;
  const double slope_mid = fit_decay (log_power, half, 0.125, 0.5, &intercept_mid, &rms_mid);
  const double slope_high = fit_decay (log_power, half, 0.5, 0.95, &intercept_high, &rms_high);
  double tail = 0;
  int tail_rings = 0;
  for (int j = 1; j <= half; j++)
    if ((double) j / half > 0.95)
      tail += log_power[j] - (intercept_high + slope_high * log ((double) j / half)), tail_rings++;
  features[DECAY_FIRST + 0] = (float) slope_mid;
  features[DECAY_FIRST + 1] = (float) slope_high;
  features[DECAY_FIRST + 2] = (float) rms_high;
  features[DECAY_FIRST + 3] = (float) (tail_rings ? tail / tail_rings : 0);
  features[DECAY_FIRST + 4] = (float) (mean_log (&corner) - mean_log (&below_nyquist));
}

/* The Laplacian residual's azimuthal average in RESIDUAL_RINGS rings up to Nyquist, less their mean. */
static void
residual_ring_features (const AtelierSpectralBins *geometry, const float *laplacian, float out[RESIDUAL_RINGS])
{
  Mean rings[RESIDUAL_RINGS] = { 0 };
  const gsize n_bins = atelier_tile_spectra_bins (geometry->size);
  for (gsize at = 0; at < n_bins; at++)
    {
      const AtelierSpectralBin *bin = &geometry->bins[at];
      if (bin->weight == 0 || bin->ring16 == ATELIER_SPECTRAL_NOWHERE)
        continue;
      rings[bin->ring16 / 2].power += laplacian[at] * (double) bin->weight;
      rings[bin->ring16 / 2].weight += bin->weight;
    }
  for (int i = 0; i < RESIDUAL_RINGS; i++)
    out[i] = (float) mean_log (&rings[i]);
  subtract_mean (out, RESIDUAL_RINGS);
}

static guint64
feature_range (int first, int count)
{
  return ((G_GUINT64_CONSTANT (1) << count) - 1) << first;
}

guint64
atelier_spectral_luminance_features (void)
{
  return feature_range (RADIAL_FIRST, PEAKS_FIRST - RADIAL_FIRST);
}

AtelierSpectralCondition
atelier_spectral_features_compute (const AtelierSpectralBins *geometry, const AtelierTileSpectra *spectra,
                                   double grey_rounding_variance, guint64 wanted,
                                   float features[ATELIER_SPECTRAL_FEATURE_COUNT])
{
  const int size = spectra->size;
  const gboolean luminance_wanted = (wanted & atelier_spectral_luminance_features ()) != 0;
  g_return_val_if_fail (size >= 64 && geometry->size == size, 0);
  g_return_val_if_fail (spectra->luminance != NULL || !luminance_wanted, 0);
  memset (features, 0, ATELIER_SPECTRAL_FEATURE_COUNT * sizeof *features);
  if (luminance_wanted)
    luminance_features (geometry, spectra->luminance, features);
  if (wanted & feature_range (RESIDUAL_RING_FIRST, RESIDUAL_RINGS))
    residual_ring_features (geometry, spectra->laplacian, features + RESIDUAL_RING_FIRST);
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    peak_features (spectra->residual[c], size, features + PEAKS_FIRST + c * PEAK_FEATURES_PER_CHANNEL);
  axis_peak_features (spectra->laplacian, size, features + AXIS_PEAKS_FIRST);
  spike_features (geometry, spectra->laplacian, features + SPIKE_FIRST);
  /* One pass over the residuals serves the chroma features and the
   * conditions: it runs for every tile. */
  double own[CHROMA_BANDS] = { 0 }, cross[CHROMA_BANDS] = { 0 };
  residual_band_energies (geometry, spectra, own, cross);
  chroma_features (own, cross, features + CHROMA_FIRST);
  return band_conditions (geometry, own, cross, grey_rounding_variance);
}
