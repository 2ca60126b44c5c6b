/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Times ISNet's forward pass on a 1024x1024 input: two runs after loading,
 * each printed with its GFLOP/s and the process's CPU seconds (steadier than
 * wall time on a shared machine). WINOGRAD 0 turns Winograd's convolutions
 * off, to time the direct paths. Built and run by tools/bench-isnet.sh and
 * tools/bench-conv.sh.
 *
 * usage: bench-isnet MANIFEST THREADS [WINOGRAD=1] */
#include "networks/atelier-isnet.h"

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

int
main (int argc, char **argv)
{
  if (argc != 3 && argc != 4)
    {
      fprintf (stderr, "usage: bench-isnet MANIFEST THREADS [WINOGRAD=1]\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (atoi (argv[2]));
  atelier_context_set_winograd (ctx, argc < 4 || atoi (argv[3]) != 0);
  g_autoptr (AtelierIsnet) net = atelier_isnet_open (argv[1], &error);
  const int size = net ? atelier_isnet_get_config (net)->input_size : 0;
  g_autoptr (AtelierTensor) input = net ? atelier_tensor_new_4d (1, 3, size, size, &error) : NULL;
  if (input == NULL)
    {
      fprintf (stderr, "bench-isnet: %s\n", error->message);
      return 1;
    }
  /* Values do not change the work; a deterministic pattern in the input's range. */
  for (gint64 i = 0; i < atelier_tensor_numel (input); i++)
    input->data[i] = (float) ((i * 37) % 256 - 128) / 256.0f;
  for (int run = 1; run <= 2; run++)
    {
      atelier_context_reset_flops (ctx);
      const gint64 start = g_get_monotonic_time ();
      const double cpu_start = cpu_seconds ();
      g_autoptr (AtelierTensor) map = atelier_isnet_forward (ctx, net, input, &error);
      const double seconds = (g_get_monotonic_time () - start) / 1e6;
      if (map == NULL)
        {
          fprintf (stderr, "bench-isnet: %s\n", error->message);
          return 1;
        }
      printf ("atelier run %d: %.2f s, %.1f GFLOP, %.1f GFLOP/s, %.2f CPU s\n", run, seconds,
              atelier_context_get_flops (ctx) / 1e9, atelier_context_get_flops (ctx) / 1e9 / seconds,
              cpu_seconds () - cpu_start);
    }
  return 0;
}
