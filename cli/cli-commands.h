/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* A subcommand of the `atelier` program: argv[0] is the subcommand's name. */
typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} AtelierCliCommand;

int atelier_command_info (int argc, char **argv);
int atelier_command_bench (int argc, char **argv);
int atelier_command_upscale (int argc, char **argv);
int atelier_command_autoencode (int argc, char **argv);
int atelier_command_detect (int argc, char **argv);
int atelier_command_inpaint (int argc, char **argv);
int atelier_command_sample (int argc, char **argv);

/* Prints "atelier: <message>" to stderr and returns the exit status 1. */
int atelier_cli_fail (const GError *error);
