/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cut-out evaluation's driver (not installed): runs the engine's matte
 * refinement and foreground estimation on every photograph of a folder,
 * given a coarse subject probability per photograph from another folder (the
 * network's output, or simulate_coarse.py's stand-in for it), and writes the
 * refined alpha (16-bit grey PNG) and foreground colours (8-bit RGB PNG).
 * evaluate.py scores them.
 *
 * usage: cutout-refine --images DIR --coarse-from DIR --output DIR [options]
 *        cutout-refine --benchmark 4000x3000: one synthetic photograph, the
 *        time of each stage and the process's peak memory. */
#include "atelier-image-io.h"
#include "pipelines/atelier-matte-cutout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* The front ends' run (atelier_cutout_compute) from a coarse probability given. */
typedef AtelierCutoutOptions Settings;

static double
peak_rss_mib (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0; /* kilobytes on Linux */
}

/* Plane @channel of a loaded image (grey, grey + alpha, RGB, RGBA) as a (1, 1, H, W) or its RGB as (1, 3, H, W). */
static AtelierTensor *
planes_of (const AtelierImage *image, int first, int count, GError **error)
{
  const gint64 h = atelier_image_height (image), w = atelier_image_width (image);
  const int channels = atelier_image_channels (image);
  AtelierTensor *out = atelier_tensor_new_4d (1, count, h, w, error);
  if (out == NULL)
    return NULL;
  for (int c = 0; c < count; c++)
    {
      /* Grey files give their one plane to each colour. */
      const int source = channels >= 3 ? first + c : 0;
      memcpy (out->data + c * h * w, image->pixels->data + source * h * w, sizeof (float) * h * w);
    }
  return out;
}

static gboolean
save_planes (const AtelierTensor *planes, const char *path, int bit_depth, GError **error)
{
  g_autoptr (AtelierTensor) copy = atelier_tensor_copy (planes, error);
  if (copy == NULL)
    return FALSE;
  g_autoptr (AtelierImage) image = atelier_image_new (g_steal_pointer (&copy), bit_depth);
  return atelier_image_save (image, path, bit_depth, 95, error);
}

static gboolean
refine_one (AtelierContext *ctx, const Settings *s, const char *image_path, const char *coarse_path,
            const char *alpha_path, const char *foreground_path, double seconds[2], GError **error)
{
  g_autoptr (AtelierImage) photo = atelier_image_load (image_path, error);
  if (photo == NULL)
    return FALSE;
  g_autoptr (AtelierImage) coarse_file = atelier_image_load (coarse_path, error);
  if (coarse_file == NULL)
    return FALSE;
  g_autoptr (AtelierTensor) rgb = planes_of (photo, 0, 3, error);
  g_autoptr (AtelierTensor) coarse = planes_of (coarse_file, 0, 1, error);
  if (rgb == NULL || coarse == NULL)
    return FALSE;
  g_auto (AtelierCutout) cut = { 0 };
  if (!atelier_cutout_compute (ctx, NULL, rgb, coarse, s, &cut, error))
    return FALSE;
  seconds[0] += cut.matte.wall;
  seconds[1] += cut.colours.wall;
  return save_planes (cut.alpha, alpha_path, 16, error) && save_planes (cut.foreground, foreground_path, 8, error);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static int
run_folder (AtelierContext *ctx, const Settings *s, const char *images, const char *coarse, const char *output)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (images, 0, &error);
  if (dir == NULL || g_mkdir_with_parents (output, 0755) != 0)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "cannot create the output folder");
      return 1;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *file;
  while ((file = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (file, ".png") || g_str_has_suffix (file, ".jpg"))
      g_ptr_array_add (names, g_strdup (file));
  g_ptr_array_sort (names, compare_names);
  double seconds[2] = { 0.0, 0.0 };
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *stem = g_strndup (name, strrchr (name, '.') - name);
      g_autofree char *image_path = g_build_filename (images, name, NULL);
      g_autofree char *coarse_name = g_strconcat (stem, ".png", NULL);
      g_autofree char *coarse_path = g_build_filename (coarse, coarse_name, NULL);
      g_autofree char *alpha_name = g_strconcat (stem, "-alpha.png", NULL);
      g_autofree char *alpha_path = g_build_filename (output, alpha_name, NULL);
      g_autofree char *foreground_name = g_strconcat (stem, "-foreground.png", NULL);
      g_autofree char *foreground_path = g_build_filename (output, foreground_name, NULL);
      if (!refine_one (ctx, s, image_path, coarse_path, alpha_path, foreground_path, seconds, &error))
        {
          g_printerr ("%s: %s\n", name, error->message);
          return 1;
        }
      printf ("%s\n", stem);
      fflush (stdout);
    }
  printf ("%u photographs: matte %.2f s, foreground %.2f s in all; peak memory %.0f MiB\n", names->len, seconds[0],
          seconds[1], peak_rss_mib ());
  return 0;
}

/* A textured disc of noise-edged radius on a textured background, and a
 * coarse mask of it on the network's 1024-cell grid. */
static int
run_benchmark (AtelierContext *ctx, const Settings *s, const char *size)
{
  gint64 w = 0, h = 0;
  if (sscanf (size, "%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT, &w, &h) != 2 || w < 1 || h < 1)
    {
      g_printerr ("--benchmark takes WIDTHxHEIGHT\n");
      return 1;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) rgb = atelier_tensor_new_4d (1, 3, h, w, &error);
  g_autoptr (AtelierTensor) coarse = atelier_tensor_new_4d (1, 1, h, w, &error);
  const double cell = (double) MAX (h, w) / 1024.0, radius = 0.35 * MIN (h, w);
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        const double angle = atan2 (y - h / 2.0, x - w / 2.0);
        const double edge = radius * (1.0 + 0.05 * sin (9.0 * angle));
        const gboolean inside = hypot (y - h / 2.0, x - w / 2.0) < edge;
        const double texture = 0.1 * sin (0.05 * x) * cos (0.07 * y);
        for (int c = 0; c < 3; c++)
          rgb->data[(c * h + y) * w + x] = (float) ((inside ? 0.7 - 0.2 * c : 0.2 + 0.25 * c) + texture);
        const double gy = floor (y / cell) * cell, gx = floor (x / cell) * cell;
        coarse->data[y * w + x] = hypot (gy - h / 2.0, gx - w / 2.0) < edge ? 0.98f : 0.02f;
      }
  const double before = peak_rss_mib ();
  g_auto (AtelierCutout) cut = { 0 };
  if (!atelier_cutout_compute (ctx, NULL, rgb, coarse, s, &cut, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* The photograph and coarse mask in, the alpha and foreground out: 4 planes each way. */
  const double planes = (double) (4 * h * w * sizeof (float)) / (1 << 20);
  const double after = peak_rss_mib ();
  printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", %d threads: matte %.2f s (%.2f s CPU), foreground %.2f s "
          "(%.2f s CPU); peak memory %.0f MiB: %.0f MiB before (the inputs, %.0f MiB, and the process), the outputs "
          "%.0f MiB, working memory %.0f MiB\n",
          w, h, atelier_context_get_threads (ctx), cut.matte.wall, cut.matte.cpu, cut.colours.wall,
          cut.colours.cpu, after, before, planes, planes, after - before - planes);
  return 0;
}

int
main (int argc, char **argv)
{
  Settings s = atelier_cutout_options_default ();
  g_autofree char *images = NULL, *coarse = NULL, *output = NULL, *benchmark = NULL;
  gboolean no_refine = FALSE, fill_holes = FALSE;
  double eps = s.matte.eps;
  int threads = 0;
  const GOptionEntry entries[] = {
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &images, "Folder of photographs (PNG or JPEG)", "DIR" },
    { "coarse-from", 0, 0, G_OPTION_ARG_FILENAME, &coarse, "Folder of coarse probabilities, NAME.png each", "DIR" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, "Folder for NAME-alpha.png and NAME-foreground.png", "DIR" },
    { "no-refine", 0, 0, G_OPTION_ARG_NONE, &no_refine, "Keep the coarse contour", NULL },
    { "radius", 0, 0, G_OPTION_ARG_INT, &s.matte.radius, "Guided filter radius (0: from the size)", "PX" },
    { "uncertainty", 0, 0, G_OPTION_ARG_INT, &s.matte.uncertainty, "Untrusted pixels about the contour", "PX" },
    { "eps", 0, 0, G_OPTION_ARG_DOUBLE, &eps, "Guided filter regularisation", "E" },
    { "softness", 0, 0, G_OPTION_ARG_DOUBLE, &s.matte.softness, "0 hard .. 1 soft", "S" },
    { "grow", 0, 0, G_OPTION_ARG_DOUBLE, &s.matte.grow, "Grow (< 0: shrink) by pixels", "PX" },
    { "feather", 0, 0, G_OPTION_ARG_INT, &s.matte.feather, "Feather by pixels", "PX" },
    { "fill-holes", 0, 0, G_OPTION_ARG_NONE, &fill_holes, "Fill holes enclosed by the subject", NULL },
    { "foreground-iterations", 0, 0, G_OPTION_ARG_INT, &s.foreground.big_iterations, "Sweeps per large level", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (0: one per CPU)", "N" },
    { "benchmark", 0, 0, G_OPTION_ARG_STRING, &benchmark, "Time a synthetic photograph of this size", "WxH" },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("- refine coarse subject masks (cut-out evaluation)");
  g_option_context_add_main_entries (options, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  s.matte.refine_edges = !no_refine;
  s.matte.keep_holes = !fill_holes;
  s.matte.eps = (float) eps;
  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  if (benchmark != NULL)
    return run_benchmark (ctx, &s, benchmark);
  if (images == NULL || coarse == NULL || output == NULL)
    {
      g_printerr ("--images, --coarse-from and --output are needed (or --benchmark)\n");
      return 2;
    }
  return run_folder (ctx, &s, images, coarse, output);
}
