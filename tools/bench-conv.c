/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Times the 3x3 stride-1 convolutions of ISNet, the latent U-Net (with its
 * autoencoder) and the ESRGAN upscalers, one shape at a time, by each way of
 * computing them: the direct path atelier_conv2d takes with Winograd turned off
 * (shifted taps or tap stacking), Winograd's F(2x2,3x3) and F(4x4,3x3), and
 * atelier_conv2d as it dispatches now. Prints GFLOP-equivalent per CPU second
 * (the direct convolution's multiply-adds over the process's CPU time, all
 * threads), each against OpenBLAS sgemm 2048^3 on the same threads timed in
 * the same run, and F(4,3) and the dispatch against the direct path. CPU time,
 * not wall time, and the best of REPEATS runs after one warm-up: this machine
 * is shared, and under a load average of 20 wall-clock figures swung by 3x
 * between neighbouring runs while CPU seconds are only lengthened by the
 * others' use of the caches. Built and run by tools/bench-conv.sh.
 *
 * usage: bench-conv THREADS [REPEATS=3] */
#include "ops/conv2d-paths.h"
#include "ops/gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
cpu_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct
{
  const char *network;
  gint64 n, cin, cout, h, w;
} Shape;

/* The shapes that take most of each network's arithmetic (ISNet at 1024x1024,
 * the U-Net's 64x64 latents with the guidance batch of 2, the autoencoder at
 * 512x512, esrgan-thick's 160x160 tiles). */
static const Shape shapes[] = {
  { "isnet", 1, 64, 64, 512, 512 },
  { "isnet", 1, 128, 64, 512, 512 },
  { "isnet", 1, 64, 32, 512, 512 },
  { "isnet", 1, 32, 64, 512, 512 },
  { "isnet", 1, 64, 16, 512, 512 },
  { "isnet", 1, 64, 128, 256, 256 },
  { "isnet", 1, 256, 64, 256, 256 },
  { "isnet", 1, 64, 32, 256, 256 },
  { "isnet", 1, 32, 32, 256, 256 },
  { "isnet", 1, 128, 256, 128, 128 },
  { "isnet", 1, 512, 128, 128, 128 },
  { "isnet", 1, 32, 32, 128, 128 },
  { "isnet", 1, 256, 512, 64, 64 },
  { "isnet", 1, 1024, 256, 64, 64 },
  { "isnet", 1, 512, 512, 32, 32 },
  { "isnet", 1, 1024, 512, 32, 32 },
  { "isnet", 1, 512, 256, 32, 32 },
  { "isnet", 1, 512, 512, 16, 16 },
  { "isnet", 1, 32, 32, 16, 16 },
  { "unet", 2, 64, 64, 64, 64 },
  { "unet", 2, 128, 64, 64, 64 },
  { "unet", 2, 192, 64, 64, 64 },
  { "unet", 2, 128, 128, 32, 32 },
  { "unet", 2, 192, 192, 16, 16 },
  { "autoencoder", 1, 64, 64, 256, 256 },
  { "autoencoder", 1, 128, 128, 256, 256 },
  { "esrgan", 1, 192, 64, 160, 160 },
  { "esrgan", 1, 160, 32, 160, 160 },
  { "esrgan", 1, 96, 32, 160, 160 },
  { "esrgan", 1, 64, 32, 160, 160 },
};

typedef enum
{
  WAY_DIRECT, WAY_F2, WAY_F4, WAY_DISPATCH, N_WAYS
} Way;

static void
fill (AtelierTensor *t, GRand *rand)
{
  for (gint64 i = 0; i < atelier_tensor_numel (t); i++)
    t->data[i] = (float) g_rand_double_range (rand, -1, 1);
}

static gboolean
run_way (AtelierContext *ctx, Way way, const AtelierTensor *input, const AtelierTensor *weight,
         const AtelierTensor *bias, const AtelierConv2dParams *p, AtelierTensor *output, GError **error)
{
  if (way == WAY_DIRECT || way == WAY_DISPATCH)
    {
      atelier_context_set_winograd (ctx, way == WAY_DISPATCH);
      return atelier_conv2d_into (ctx, input, weight, bias, p, output, error);
    }
  AtelierConvGeometry g;
  if (!atelier_conv_geometry_init (&g, input, weight, bias, p, error))
    return FALSE;
  AtelierConvSetup setup = { ctx, &g, p, weight->data, bias->data, NULL };
  gboolean applicable = FALSE;
  return atelier_conv2d_winograd (&setup, way == WAY_F2 ? 2 : 4, input->data, output->data, &applicable, error);
}

static double
best_seconds (AtelierContext *ctx, Way way, int repeats, const AtelierTensor *input, const AtelierTensor *weight,
              const AtelierTensor *bias, const AtelierConv2dParams *p, AtelierTensor *output)
{
  double best = G_MAXDOUBLE;
  for (int r = 0; r <= repeats; r++)
    {
      g_autoptr (GError) error = NULL;
      const double start = cpu_seconds ();
      if (!run_way (ctx, way, input, weight, bias, p, output, &error))
        {
          fprintf (stderr, "bench-conv: %s\n", error->message);
          exit (1);
        }
      if (r > 0)
        best = MIN (best, cpu_seconds () - start);
    }
  return best;
}

static double
sgemm_gflops (AtelierContext *ctx, int repeats)
{
  const gint64 size = 2048;
  g_autofree float *a = g_new0 (float, size * size), *b = g_new0 (float, size * size), *c = g_new0 (float, size * size);
  double best = G_MAXDOUBLE;
  for (int r = 0; r <= repeats; r++)
    {
      const double start = cpu_seconds ();
      atelier_gemm_rows (ctx, size, size, size, a, size, b, size, FALSE, c, size, NULL);
      if (r > 0)
        best = MIN (best, cpu_seconds () - start);
    }
  return 2.0 * size * size * size / best / 1e9;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-conv THREADS [REPEATS=3]\n");
      return 2;
    }
  const int threads = atoi (argv[1]), repeats = argc > 2 ? atoi (argv[2]) : 3;
  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  const double sgemm = sgemm_gflops (ctx, repeats);
  printf ("%d thread(s), sgemm 2048^3 %.1f GFLOP per CPU second; GFLOP-equivalent per CPU second (fraction of sgemm)\n",
          threads, sgemm);
  printf ("%-12s %-18s %14s %14s %14s %14s %8s %8s\n", "network", "shape", "direct", "F(2,3)", "F(4,3)",
          "dispatch", "F4/dir", "disp/dir");
  double total[N_WAYS] = { 0 };
  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const Shape *sh = &shapes[s];
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierTensor) input = atelier_tensor_new_4d (sh->n, sh->cin, sh->h, sh->w, &error);
      g_autoptr (AtelierTensor) weight = atelier_tensor_new_4d (sh->cout, sh->cin, 3, 3, &error);
      g_autoptr (AtelierTensor) bias = atelier_tensor_new (1, (const int64_t[]) { sh->cout }, &error);
      g_autoptr (AtelierTensor) output = atelier_tensor_new_4d (sh->n, sh->cout, sh->h, sh->w, &error);
      if (output == NULL)
        {
          fprintf (stderr, "bench-conv: %s\n", error->message);
          return 1;
        }
      fill (input, rand);
      fill (weight, rand);
      fill (bias, rand);
      AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
      p.activation = ATELIER_ACTIVATION_RELU;
      const double gflop = 2.0 * sh->n * sh->cin * sh->cout * 9 * sh->h * sh->w / 1e9;
      double seconds[N_WAYS];
      char shape[64];
      g_snprintf (shape, sizeof shape, "%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "->%" G_GINT64_FORMAT
                  " @%" G_GINT64_FORMAT, sh->n, sh->cin, sh->cout, sh->h);
      printf ("%-12s %-18s", sh->network, shape);
      for (int way = 0; way < N_WAYS; way++)
        {
          seconds[way] = best_seconds (ctx, way, repeats, input, weight, bias, &p, output);
          total[way] += seconds[way];
          printf (" %7.1f (%4.2f)", gflop / seconds[way], gflop / seconds[way] / sgemm);
        }
      printf (" %8.2f %8.2f\n", seconds[WAY_DIRECT] / seconds[WAY_F4], seconds[WAY_DIRECT] / seconds[WAY_DISPATCH]);
      fflush (stdout);
    }
  printf ("all shapes once, CPU seconds: direct %.3f, F(2,3) %.3f, F(4,3) %.3f, dispatch %.3f; direct/dispatch %.2f\n",
          total[WAY_DIRECT], total[WAY_F2], total[WAY_F4], total[WAY_DISPATCH],
          total[WAY_DIRECT] / total[WAY_DISPATCH]);
  return 0;
}
