/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier bench`: GFLOP/s of the engine's convolution against OpenBLAS sgemm
 * on the same machine, timed in turn, so the ratio means something even on a
 * noisy machine. */
#include "cli-commands.h"

#include "atelier.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>

typedef struct
{
  const char *name;
  int cin, cout, kernel, stride, groups;
  int height, width;
} BenchLayer;

static const BenchLayer layers[] = {
  { "3x3 64->64 @256x256", 64, 64, 3, 1, 1, 256, 256 },
  { "3x3 128->128 @256x256", 128, 128, 3, 1, 1, 256, 256 },
  { "1x1 320->320 @64x64", 320, 320, 1, 1, 1, 64, 64 },
  { "3x3 s2 64->128 @256x256", 64, 128, 3, 2, 1, 256, 256 },
  { "3x3 32->32 @256x256", 32, 32, 3, 1, 1, 256, 256 },
  { "3x3 depthwise 64 @256x256", 64, 64, 3, 1, 64, 256, 256 },
  /* The two shapes esrgan-thick spends its time in: dense-block growth and fusion. */
  { "3x3 128->32 @192x192 (RRDB)", 128, 32, 3, 1, 1, 192, 192 },
  { "3x3 192->64 @192x192 (RRDB)", 192, 64, 3, 1, 1, 192, 192 },
};

typedef void (*BenchBody) (gpointer data);

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Median seconds per call of @a and of @b, called in turn over repetitions
 * filling at least @seconds. This machine's speed drifts by up to a tenth
 * within a minute (a shared virtual machine): timed in turn, a kernel and its
 * sgemm reference see the same machine. Three runs of the stride-2 layer's
 * ratio: 0.79-0.80 so, 0.74-0.80 with the reference timed once first. */
static void
time_medians_in_turn (BenchBody a, gpointer a_data, BenchBody b, gpointer b_data, double seconds, double *a_median,
                      double *b_median)
{
  a (a_data); /* warm-up: page faults, OpenBLAS buffers */
  b (b_data);
  g_autoptr (GArray) a_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) b_times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start = g_get_monotonic_time ();
  while (a_times->len < 3 || (g_get_monotonic_time () - start) < seconds * 1e6)
    {
      gint64 t0 = g_get_monotonic_time ();
      a (a_data);
      gint64 t1 = g_get_monotonic_time ();
      b (b_data);
      double ta = (t1 - t0) / 1e6, tb = (g_get_monotonic_time () - t1) / 1e6;
      g_array_append_val (a_times, ta);
      g_array_append_val (b_times, tb);
      if (a_times->len >= 200)
        break;
    }
  g_array_sort (a_times, compare_doubles);
  g_array_sort (b_times, compare_doubles);
  *a_median = ((double *) a_times->data)[a_times->len / 2];
  *b_median = ((double *) b_times->data)[b_times->len / 2];
}

/* The reference: one large square product, the best case for the hardware,
 * split by columns over the engine's workers, one single-threaded sgemm each,
 * as the engine itself calls sgemm. OpenBLAS's own threads, timed alone,
 * were 1 % faster (246.8-255.5 against 245.9-251.8 GFLOP/s, six runs), but
 * they spin for a while after each call: timed in turn with a kernel, they
 * took a core from it and halved it. */
typedef struct
{
  AtelierContext *ctx;
  int n;
  float *a, *b, *c;
} SgemmData;

static void
sgemm_columns (gint64 part, int worker, gpointer p)
{
  (void) worker;
  SgemmData *d = p;
  const int parts = atelier_context_get_threads (d->ctx);
  const int first = (int) (part * d->n / parts), last = (int) ((part + 1) * d->n / parts);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, d->n, last - first, d->n, 1.0f, d->a, d->n, d->b + first,
               d->n, 0.0f, d->c + first, d->n);
}

static void
sgemm_body (gpointer p)
{
  SgemmData *d = p;
  atelier_context_parallel_for (d->ctx, atelier_context_get_threads (d->ctx), sgemm_columns, d);
}

typedef struct
{
  AtelierContext *ctx;
  AtelierTensor *input, *weight, *bias;
  AtelierConv2dParams params;
} ConvData;

static void
conv_body (gpointer p)
{
  ConvData *d = p;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) out = atelier_conv2d (d->ctx, d->input, d->weight, d->bias, &d->params, &error);
  if (out == NULL)
    g_error ("benchmark convolution failed: %s", error->message);
}

static void
fill_random (AtelierTensor *t, GRand *rand)
{
  for (gint64 i = 0; i < atelier_tensor_numel (t); i++)
    t->data[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
}

/* One whole upscale of a random size x size RGB image: seconds and the
 * convolution GFLOP/s, as the engine counts them. */
static int
bench_upscale (AtelierContext *ctx, const char *model_name, int scale, int size, double sgemm_gflops, GRand *rand)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierRdn) net = atelier_rdn_open (model_name, scale, &error);
  g_autoptr (AtelierTensor) image = net ? atelier_tensor_new_4d (1, 3, size, size, &error) : NULL;
  if (image == NULL)
    return atelier_cli_fail (error);
  for (gint64 i = 0; i < atelier_tensor_numel (image); i++)
    image->data[i] = (float) g_rand_double (rand);
  atelier_context_reset_flops (ctx);
  gint64 start = g_get_monotonic_time ();
  g_autoptr (AtelierTensor) out = atelier_upscale (ctx, net, image, NULL, &error);
  double t = (g_get_monotonic_time () - start) / 1e6;
  if (out == NULL)
    return atelier_cli_fail (error);
  double gflops = atelier_context_get_flops (ctx) / t / 1e9;
  printf ("%-30s %10.2f %9.1f %8.2f   (%s, %dx%d, %.0f GFLOP)\n", "upscale (whole pipeline)", t * 1e3, gflops,
          gflops / sgemm_gflops, atelier_rdn_get_name (net), size, size,
          atelier_context_get_flops (ctx) / 1e9);
  printf ("upscale seconds: %.2f\n", t);
  return 0;
}

/* The latent diffusion U-Net: one guided denoising step (the conditional and unconditional passes as a
 * batch of two) at size x size latent pixels, then a whole inpaint of an image 8 times that size with
 * the filter's defaults (20 DPM-Solver++ steps), encoding and decoding included. */
static int
bench_unet (AtelierContext *ctx, int size, double seconds, double sgemm_gflops, GRand *rand)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierLatentDiffusion) ld = atelier_latent_diffusion_open (ATELIER_LATENT_DIFFUSION_DEFAULT_UNET,
                                                                         ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER,
                                                                         &error);
  if (ld == NULL)
    return atelier_cli_fail (error);
  const AtelierUNet *unet = atelier_latent_diffusion_get_unet (ld);
  const int latent = atelier_unet_get_latent_channels (unet);
  g_autoptr (AtelierTensor) input = atelier_tensor_new_4d (2, 2 * latent + 1, size, size, &error);
  fill_random (input, rand);
  const float timesteps[2] = { 500, 500 };
  const int labels[2] = { 1, 0 };
  double best = G_MAXDOUBLE, flops = 0;
  gint64 begin = g_get_monotonic_time ();
  for (int run = 0; run < 3 || (g_get_monotonic_time () - begin) / 1e6 < seconds; run++)
    {
      atelier_context_reset_flops (ctx);
      gint64 start = g_get_monotonic_time ();
      g_autoptr (AtelierTensor) out = atelier_unet_forward (ctx, unet, input, timesteps, labels, &error);
      if (out == NULL)
        return atelier_cli_fail (error);
      best = MIN (best, (g_get_monotonic_time () - start) / 1e6);
      flops = atelier_context_get_flops (ctx);
    }
  printf ("%-30s %10.2f %9.1f %8.2f   (%dx%d latent = %dx%d pixels, guided: batch 2, %.1f GFLOP)\n",
          "U-Net step", best * 1e3, flops / best / 1e9, flops / best / 1e9 / sgemm_gflops, size, size, 8 * size,
          8 * size, flops / 1e9);

  const int side = 8 * size;
  g_autoptr (AtelierTensor) image = atelier_tensor_new_4d (1, 3, side, side, &error);
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, side, side, &error);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < side; y++)
      for (int x = 0; x < side; x++)
        {
          image->data[(c * side + y) * side + x] = 0.5f + 0.4f * sinf (0.02f * x * (c + 1) + 0.03f * y);
          selection->data[y * side + x] = x > side / 3 && x < 2 * side / 3 && y > side / 3 && y < 2 * side / 3;
        }
  AtelierLatentDiffusionOptions options = atelier_latent_diffusion_options_default ();
  options.working_side = side;
  options.context = side;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (AtelierTensor) filled = atelier_latent_diffusion_inpaint (ctx, ld, image, selection, &options, &error);
  if (filled == NULL)
    return atelier_cli_fail (error);
  printf ("inpaint %dx%d, %d DPM-Solver++ steps, guidance %.1f: %.2f s\n", side, side, options.sampler.steps,
          options.sampler.guidance, (g_get_monotonic_time () - start) / 1e6);
  return 0;
}

int
atelier_command_bench (int argc, char **argv)
{
  int threads = 0, scale = 4, size = 256;
  double seconds = 1.0;
  g_autofree char *model_name = NULL;
  int unet_size = 0;
  const GOptionEntry entries[] = {
    { "unet", 0, 0, G_OPTION_ARG_INT, &unet_size,
      "Also time the diffusion U-Net at this latent side (64 = 512x512 pixels) and a whole inpaint", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "N" },
    { "seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "Minimum time per measurement", "S" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name,
      "Also time a whole upscale with this model (slim, medium, thick or a manifest)", "NAME" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Scale of that model (default 4)", "N" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Side of the random input image (default 256)", "PX" },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("- measure sgemm and convolution speed");
  g_option_context_add_main_entries (options, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return atelier_cli_usage_error (error);

  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  threads = atelier_context_get_threads (ctx);
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);

  SgemmData sg = { ctx, 2048, NULL, NULL, NULL };
  gsize bytes = sizeof (float) * sg.n * sg.n;
  g_autofree float *a = sg.a = g_malloc (bytes);
  g_autofree float *b = sg.b = g_malloc (bytes);
  g_autofree float *c = sg.c = g_malloc (bytes);
  for (gsize i = 0; i < (gsize) sg.n * sg.n; i++)
    sg.a[i] = sg.b[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  openblas_set_num_threads (1);
  const double sgemm_flops = 2.0 * sg.n * sg.n * sg.n;

  printf ("atelier bench: %d threads, %s\n", threads, openblas_get_config ());
  printf ("each kernel timed in turn with sgemm 2048^3, whose GFLOP/s beside it is the ratio's reference\n");
  printf ("%-30s %10s %9s %8s %8s\n", "kernel", "ms", "GFLOP/s", "sgemm", "/sgemm");

  double sgemm_speeds[G_N_ELEMENTS (layers)];
  for (gsize i = 0; i < G_N_ELEMENTS (layers); i++)
    {
      const BenchLayer *l = &layers[i];
      ConvData d = { ctx, NULL, NULL, NULL, atelier_conv2d_params (l->stride, l->kernel / 2, 1) };
      d.params.groups = l->groups;
      d.input = atelier_tensor_new_4d (1, l->cin, l->height, l->width, &error);
      d.weight = atelier_tensor_new_4d (l->cout, l->cin / l->groups, l->kernel, l->kernel, &error);
      d.bias = atelier_tensor_new (1, (const int64_t[]) { l->cout }, &error);
      fill_random (d.input, rand);
      fill_random (d.weight, rand);
      fill_random (d.bias, rand);
      double t, t_sgemm;
      time_medians_in_turn (conv_body, &d, sgemm_body, &sg, seconds, &t, &t_sgemm);
      gint64 out_h = (l->height + 2 * (l->kernel / 2) - l->kernel) / l->stride + 1;
      gint64 out_w = (l->width + 2 * (l->kernel / 2) - l->kernel) / l->stride + 1;
      double flops = 2.0 * l->cout * (l->cin / l->groups) * l->kernel * l->kernel * out_h * out_w;
      double gflops = flops / t / 1e9;
      sgemm_speeds[i] = sgemm_flops / t_sgemm / 1e9;
      printf ("%-30s %10.2f %9.1f %8.1f %8.2f\n", l->name, t * 1e3, gflops, sgemm_speeds[i], gflops / sgemm_speeds[i]);
      atelier_tensor_free (d.input);
      atelier_tensor_free (d.weight);
      atelier_tensor_free (d.bias);
    }
  qsort (sgemm_speeds, G_N_ELEMENTS (layers), sizeof (double), compare_doubles);
  const double sgemm_gflops = sgemm_speeds[G_N_ELEMENTS (layers) / 2];
  printf ("%-30s %10s %9.1f %8s %8.2f   (median of the above)\n", "sgemm 2048^3", "", sgemm_gflops, "", 1.0);

  if (model_name != NULL && bench_upscale (ctx, model_name, scale, size, sgemm_gflops, rand) != 0)
    return 1;
  if (unet_size > 0)
    return bench_unet (ctx, unet_size, seconds, sgemm_gflops, rand);
  return 0;
}
