/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Command-line flags generated from a filter description: one flag per
 * parameter (--scale N, --model NAME...), with its range and default in the
 * help text. */

#include "atelier.h"

typedef struct _AtelierCliFilterOptions AtelierCliFilterOptions;

AtelierCliFilterOptions *atelier_cli_filter_options_new (const AtelierFilterInfo *info);
void atelier_cli_filter_options_free (AtelierCliFilterOptions *options);
/* The entries to hand to a GOptionContext (owned by @options). */
const GOptionEntry *atelier_cli_filter_options_entries (const AtelierCliFilterOptions *options);
/* After parsing: the values, checked against the description. */
AtelierFilterValues *atelier_cli_filter_options_values (const AtelierCliFilterOptions *options, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierCliFilterOptions, atelier_cli_filter_options_free)

/* Parses a filter command's arguments: the filter's flags, then @extra (the command's own options, ended by
 * a NULL entry), with @summary as the usage line. Returns the checked values; on failure prints why and
 * returns NULL with *status the exit status (1: unknown flag or bad syntax, 2: a value out of range). */
AtelierFilterValues *atelier_cli_filter_parse (const AtelierFilterInfo *info, const GOptionEntry *extra,
                                               const char *summary, int *argc, char ***argv, int *status);
