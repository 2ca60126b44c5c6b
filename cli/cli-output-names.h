/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Names of the files a batch writes into one folder, one per input, so that no two results ever land on one
 * path: `atelier detect -o DIR a/0.png b/0.png` wrote one heat map over the other, and so did photo.png beside
 * photo.jpg. */

#include <glib.h>

G_BEGIN_DECLS

/* One stem (a file name without extension) per input: its base name without extension where that is unique
 * among @files; where it is not, the extension is kept ("photo-jpg"), then as many folders above it as set it
 * apart ("a-0", "x-a-0-png"); inputs that stay alike (one file given twice) get "-2", "-3" after the first.
 * The stems are distinct whatever the inputs. */
GPtrArray *atelier_cli_output_stems (int n_files, char *const *files);

G_END_DECLS
