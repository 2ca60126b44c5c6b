/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier`: the engine from the command line, for batch work outside GIMP,
 * for tests and for benchmarks. */
#include "cli-commands.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const AtelierCliCommand commands[] = {
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
