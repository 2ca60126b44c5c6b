/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier`: the engine from the command line, for batch work outside GIMP,
 * for tests and for benchmarks. */
#include "cli-commands.h"

#include "atelier.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

/* The commands that are not filters; every filter is a command of its own name (the PDB's
 * plug-in-atelier-NAME is `atelier NAME`). */
static const AtelierCliCommand tools[] = {
  { "autoencode", "round-trip an image through the latent autoencoder (taef2)", atelier_command_autoencode },
  { "sample", "generate an image of a style label with the latent diffusion model", atelier_command_sample },
  { "detect-features", "the detector's spectral features as CSV, without the classifier (for training)",
    atelier_command_detect_features },
  { "info", "print a model's manifest and tensors", atelier_command_info },
  { "bench", "measure sgemm and convolution speed", atelier_command_bench },
};

/* Names that scripts used before the command names followed the PDB's, and the issues' short names for
 * Select Subject's matte as a file (`atelier mask IN MASK.png`) and for Extend Canvas (`atelier extend`). */
static const struct
{
  const char *alias, *name;
} aliases[] = {
  { "detect", "detect-ai" },
  { "mask", "select-subject" },
  { "extend", "extend-canvas" },
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
  fprintf (out, "Usage: atelier COMMAND [OPTIONS...]\n\nFilters (also in GIMP as plug-in-atelier-COMMAND):\n");
  int n;
  const AtelierFilterInfo *const *filters = atelier_filters (&n);
  for (int i = 0; i < n; i++)
    fprintf (out, "  %-16s %s\n", filters[i]->name, atelier_i18n (filters[i]->blurb));
  fprintf (out, "\nTools:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (tools); i++)
    fprintf (out, "  %-16s %s\n", tools[i].name, tools[i].summary);
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
  const char *name = argv[1];
  for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (name, aliases[i].alias) == 0)
      name = aliases[i].name;
  /* `atelier detect --features-only`, the training script's call, is the detect-features tool. */
  for (int i = 2; strcmp (name, "detect-ai") == 0 && i < argc; i++)
    if (strcmp (argv[i], "--features-only") == 0)
      return atelier_command_detect_features (argc - 1, argv + 1);
  const AtelierFilterInfo *filter = atelier_filter_find (name);
  if (filter != NULL)
    return atelier_command_filter (filter, argc - 1, argv + 1);
  for (gsize i = 0; i < G_N_ELEMENTS (tools); i++)
    if (strcmp (name, tools[i].name) == 0)
      return tools[i].run (argc - 1, argv + 1);
  fprintf (stderr, "atelier: unknown command \"%s\"\n\n", argv[1]);
  print_usage (stderr);
  return 2;
}
