/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A filter over many files, as a unit of work that GNU parallel, a Slurm job
 * array or a Kubernetes Indexed Job runs (docs/batch.md): the inputs from the
 * command line and --list, --shard I/N picking a deterministic slice of them,
 * one JSON line per input, resumable through the records of batch-record.h,
 * and a seed per file that depends only on the base seed and the file's
 * name, so that a catalogue gives the same bytes in one task or in many. */

#include "atelier.h"

#include <stdio.h>

G_BEGIN_DECLS

typedef struct
{
  char *list_path;  /* --list: one input per line */
  char *shard;      /* --shard I/N */
  char *jsonl_path; /* --jsonl: "-" for stdout */
  gboolean force;   /* --force: redo outputs that a record says are done */
} AtelierCliBatchOptions;

void atelier_cli_batch_options_clear (AtelierCliBatchOptions *o);
/* Appends the batch options' entries to @entries (an array of GOptionEntry). */
void atelier_cli_batch_add_entries (GArray *entries, AtelierCliBatchOptions *o, gboolean makes_files);
/* TRUE when any batch option was given. */
gboolean atelier_cli_batch_options_given (const AtelierCliBatchOptions *o);

/* The inputs @files[0..n_files) and --list's, sorted (byte order, so that every machine slices them alike),
 * then only --shard's slice of them in @slice; NULL with @error when the list cannot be read, the shard is
 * malformed, or an input is given twice. */
GPtrArray *atelier_cli_batch_inputs (const AtelierCliBatchOptions *o, int n_files, char **files, GPtrArray **slice,
                                     GError **error);

/* Parses "I/N" (0 <= I < N). */
gboolean atelier_cli_batch_parse_shard (const char *text, int *index, int *count, GError **error);

/* @values with the seed (a parameter named "seed", when the filter has one) replaced by one derived from the
 * base seed and @input's file name. */
AtelierFilterValues *atelier_cli_batch_file_values (const AtelierFilterValues *values, const char *input);

/* What one file's run made, for its JSON line. */
typedef struct
{
  gint64 width, height, output_width, output_height;
  double load_seconds, filter_seconds, save_seconds;
  AtelierFilterOutput *output; /* the filter's results */
  gboolean refused;            /* the output cannot hold this input's result (transparency into a JPEG) */
} AtelierCliFileRun;

void atelier_cli_file_run_clear (AtelierCliFileRun *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AtelierCliFileRun, atelier_cli_file_run_clear)

/* Runs the filter on @input, writing @output (atomically) and filling @run. */
typedef gboolean (*AtelierCliFileFunc) (const char *input, const char *output, const AtelierFilterValues *values,
                                        AtelierCliFileRun *run, gpointer data, GError **error);

typedef struct
{
  const AtelierFilterInfo *info;
  const AtelierFilterValues *values;
  const char *output_dir;
  /* Options that change the output file besides the filter's values ("bit-depth 8, quality 92"): recorded and
   * compared like the settings. */
  const char *output_options;
  AtelierCliFileFunc run_file;
  gpointer data;
} AtelierCliBatch;

/* The batch: every input of the shard not already done, a line per input, the rest going on when one fails.
 * Returns the exit status: 0 all done or skipped, 1 any failed, 2 bad arguments. */
int atelier_cli_batch_run (const AtelierCliBatch *batch, const AtelierCliBatchOptions *o, int n_files, char **files);

G_END_DECLS
