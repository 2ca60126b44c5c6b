/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier`: the engine from the command line, for batch work outside GIMP,
 * for tests and for benchmarks. */
#include "cli-commands.h"

#include "atelier.h"

#include <libintl.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* The commands that are not filters; every filter is a command of its own name (the PDB's
 * plug-in-atelier-NAME is `atelier NAME`). */
static const AtelierCliCommand tools[] = {
  { "autoencode", ATELIER_N_ ("round-trip an image through the latent autoencoder (taef2)"),
    atelier_command_autoencode },
  { "sample", ATELIER_N_ ("generate an image of a style label with the latent diffusion model"),
    atelier_command_sample },
  { "detect-features", ATELIER_N_ ("the detector's spectral features as CSV, without the classifier (for training)"),
    atelier_command_detect_features },
  { "check-listing", ATELIER_N_ ("marketplace figures of finished images (white border, product fill, long side); "
                                 "changes nothing"), atelier_command_check_listing },
  { "info", ATELIER_N_ ("print a model's manifest and tensors"), atelier_command_info },
  { "bench", ATELIER_N_ ("measure sgemm and convolution speed"), atelier_command_bench },
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

const char *
atelier_cli_error_advice (const GError *error)
{
  const gboolean model_fault = error->domain == ATELIER_ERROR
                               && (error->code == ATELIER_ERROR_MODEL_IO || error->code == ATELIER_ERROR_MODEL_CORRUPT
                                   || error->code == ATELIER_ERROR_MODEL_MISSING_TENSOR);
  /* The model-path and checksum messages already say what to do. */
  if (!model_fault || strstr (error->message, "setup") != NULL)
    return "";
  return "\n  The model file is damaged, incomplete or unreadable: run the model's setup again (models/esrgan/setup.sh "
         "or models/isnet/setup.sh in Atelier's source tree) or reinstall Atelier; the folders of "
         "ATELIER_MODEL_PATH, when it is set, are searched first";
}

int
atelier_cli_fail (const GError *error)
{
  g_printerr ("atelier: %s%s\n", error->message, atelier_cli_error_advice (error));
  return 1;
}

int
atelier_cli_usage_error (const GError *error)
{
  atelier_cli_fail (error);
  return 2;
}

/* The build tree's program finds the build tree's translations: bound to them when this executable is the one
 * the build made and ATELIER_LOCALEDIR does not say otherwise. An installed copy keeps the installed ones. */
static void
bind_build_tree_translations (void)
{
  const char *chosen = g_getenv ("ATELIER_LOCALEDIR");
  if (chosen != NULL && *chosen != '\0')
    return;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
  g_autofree char *build_dir = g_canonicalize_filename (ATELIER_BUILD_CLI_DIR, NULL);
  if (dir != NULL && strcmp (dir, build_dir) == 0)
    bindtextdomain ("atelier", ATELIER_BUILD_LOCALEDIR);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n%s\n", atelier_i18n ("Usage: atelier COMMAND [OPTIONS...]"),
           atelier_i18n ("Filters (also in GIMP as plug-in-atelier-COMMAND):"));
  int n;
  const AtelierFilterInfo *const *filters = atelier_filters (&n);
  for (int i = 0; i < n; i++)
    fprintf (out, "  %-16s %s\n", filters[i]->name, atelier_i18n (filters[i]->blurb));
  fprintf (out, "\n%s\n", atelier_i18n ("Tools:"));
  for (gsize i = 0; i < G_N_ELEMENTS (tools); i++)
    fprintf (out, "  %-16s %s\n", tools[i].name, atelier_i18n (tools[i].summary));
  fprintf (out, "\n%s\n", atelier_i18n ("Run 'atelier COMMAND --help' for a command's options."));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Past a file-size limit (ulimit -f) a write should fail with EFBIG and a message, not kill the process. */
  signal (SIGXFSZ, SIG_IGN);
  atelier_i18n_init ();
  bind_build_tree_translations ();
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
