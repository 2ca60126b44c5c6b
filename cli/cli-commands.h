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

/* Prints "atelier: <message>" to stderr and returns the exit status 1. */
int atelier_cli_fail (const GError *error);
