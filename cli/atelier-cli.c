/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier`: the engine from the command line, for batch work outside GIMP,
 * for tests and for benchmarks. */
#include "cli-commands.h"

#include "atelier.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

static const AtelierCliCommand commands[] = {
  { "upscale", "enlarge an image x2, x3, x4 or x8 with a super-resolution network", atelier_command_upscale },
  { "autoencode", "round-trip an image through the latent autoencoder (taef2)", atelier_command_autoencode },
  { "inpaint", "fill the masked area of an image with the latent diffusion model", atelier_command_inpaint },
  { "sample", "generate an image of a style label with the latent diffusion model", atelier_command_sample },
  { "detect", "how likely each image is AI-generated, from its spectrum", atelier_command_detect },
  { "info", "print a model's manifest and tensors", atelier_command_info },
  { "bench", "measure sgemm and convolution speed", atelier_command_bench },
};

int
atelier_cli_fail (const GError *error)
{
  g_printerr ("atelier: %s\n", error->message);
  return 1;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: atelier COMMAND [OPTIONS...]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'atelier COMMAND --help' for a command's options.\n");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  atelier_i18n_init ();
  /* Networks allocate and free feature maps of tens of MiB per layer. By
   * default glibc maps each one fresh and unmaps it on free, so every layer
   * pays its page faults again (measured: 3x3 128->128 at 256x256 went from
   * 0.62 to 0.76 of sgemm when freed memory was kept). Keep it in the heap. */
  mallopt (M_MMAP_THRESHOLD, 512 << 20);
  mallopt (M_TRIM_THRESHOLD, 1 << 30);
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);
  fprintf (stderr, "atelier: unknown command \"%s\"\n\n", argv[1]);
  print_usage (stderr);
  return 2;
}
