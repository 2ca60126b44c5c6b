/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* A tool command of the `atelier` program (not a filter: filters are commands
 * through atelier_command_filter): argv[0] is the command's name. */
typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} AtelierCliCommand;

/* `atelier NAME ...` for the filter @info: its flags, files and reports from its description. */
int atelier_command_filter (const AtelierFilterInfo *info, int argc, char **argv);

int atelier_command_info (int argc, char **argv);
int atelier_command_bench (int argc, char **argv);
int atelier_command_autoencode (int argc, char **argv);
int atelier_command_sample (int argc, char **argv);
int atelier_command_detect_features (int argc, char **argv);
int atelier_command_check_listing (int argc, char **argv);

/* What to do about @error, as a sentence after it ("" when its message says it): for a damaged or missing model
 * file, how to get it again. */
const char *atelier_cli_error_advice (const GError *error);
/* Prints "atelier: <message>" and the advice to stderr and returns the exit status 1. */
int atelier_cli_fail (const GError *error);
/* The same for a mistake in the command line (an option's value, an output that cannot be written), with the
 * exit status 2 of every usage error. */
int atelier_cli_usage_error (const GError *error);
